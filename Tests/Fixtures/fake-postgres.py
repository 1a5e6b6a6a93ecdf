#!/usr/bin/env python3
"""A fake PostgreSQL server for the peer-authentication tests: just enough of the v3 protocol
(PostgreSQL documentation, "Frontend/Backend Protocol", "Message Flow" and "Message Formats") to play a
peer that lies. It never checks a password: it only records whether one arrives.

    fake-postgres.py --mode ok|cleartext|md5|refuse [--tls CERT KEY] [--recovery] [--timeline HEX8]
                     [--system-identifier N] --record FILE [--port-file FILE]

Listens on 127.0.0.1 on a free port, prints "port N" on stdout (and writes N to --port-file, renamed
into place once listening), serves connections until killed.
--mode ok: AuthenticationOk without asking for anything, then answers every simple Query with one row
  (in_recovery, read_only, the primary's WAL file name or the standby's timeline, system identifier).
--mode cleartext / md5: asks for a clear-text (AuthenticationCleartextPassword, 3) or MD5 (5) password.
--mode refuse: answers the startup packet with FATAL 28P01 (password authentication failed) at once.
--tls: answers SSLRequest with 'S' and a TLS handshake using CERT/KEY (otherwise 'N').
FILE gets one line per event: "connect", "startup USER", "tls", "password" (a PasswordMessage
arrived: what the tests must never see), "query".
"""
import argparse
import os
import socket
import ssl
import struct
import threading

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
PROTOCOL_3 = 196608


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["ok", "cleartext", "md5", "refuse"], required=True)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--recovery", action="store_true")
    parser.add_argument("--timeline", default="FFFFFFFF")
    parser.add_argument("--system-identifier", default="1")
    parser.add_argument("--record", required=True)
    parser.add_argument("--port-file")
    args = parser.parse_args()

    context = None
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print("port %d" % listener.getsockname()[1], flush=True)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % listener.getsockname()[1])
        os.rename(args.port_file + ".tmp", args.port_file)
    lock = threading.Lock()

    def record(event):
        with lock, open(args.record, "a") as f:
            f.write(event + "\n")

    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection, args, context, record), daemon=True).start()


def read_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def message(kind, payload=b""):
    return kind + struct.pack("!I", len(payload) + 4) + payload


def serve(conn, args, context, record):
    try:
        conn.settimeout(10)
        record("connect")
        while True:
            length, code = struct.unpack("!II", read_exactly(conn, 8))
            body = read_exactly(conn, length - 8)
            if code == SSL_REQUEST:
                if context is None:
                    conn.sendall(b"N")
                    continue
                conn.sendall(b"S")
                conn = context.wrap_socket(conn, server_side=True)
                record("tls")
                continue
            if code == GSSENC_REQUEST:
                conn.sendall(b"N")
                continue
            if code != PROTOCOL_3:
                return
            fields = body.split(b"\0")
            parameters = dict(zip(fields[0::2], fields[1::2]))
            record("startup " + parameters.get(b"user", b"").decode(errors="replace"))
            break

        if args.mode == "refuse":
            error = b"SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"checker\"\0\0"
            conn.sendall(message(b"E", error))
            return

        if args.mode in ("cleartext", "md5"):
            if args.mode == "cleartext":
                conn.sendall(message(b"R", struct.pack("!I", 3)))
            else:
                conn.sendall(message(b"R", struct.pack("!I", 5) + b"salt"))
            try:
                kind = read_exactly(conn, 1)
            except (EOFError, OSError):
                return
            if kind == b"p":
                record("password")
            error = b"SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed\0\0"
            conn.sendall(message(b"E", error))
            return

        conn.sendall(message(b"R", struct.pack("!I", 0)))
        for name, value in [(b"server_version", b"16.0"), (b"server_encoding", b"UTF8"),
                            (b"client_encoding", b"UTF8"), (b"DateStyle", b"ISO, MDY"),
                            (b"integer_datetimes", b"on"), (b"standard_conforming_strings", b"on"),
                            (b"in_hot_standby", b"on" if args.recovery else b"off"),
                            (b"default_transaction_read_only", b"on" if args.recovery else b"off")]:
            conn.sendall(message(b"S", name + b"\0" + value + b"\0"))
        conn.sendall(message(b"K", struct.pack("!II", 4242, 4242)))
        conn.sendall(message(b"Z", b"I"))
        while True:
            kind = read_exactly(conn, 1)
            (length,) = struct.unpack("!I", read_exactly(conn, 4))
            body = read_exactly(conn, length - 4)
            if kind == b"X":
                return
            if kind != b"Q":
                continue
            record("query")
            walfile = None if args.recovery else (args.timeline + "0000000000000001").encode()
            timeline = str(int(args.timeline, 16)).encode() if args.recovery else None
            row = [b"t" if args.recovery else b"f", b"t" if args.recovery else b"f", walfile, timeline,
                   args.system_identifier.encode()]
            names = [b"pg_is_in_recovery", b"current_setting", b"walfile", b"timeline", b"system_identifier"]
            if b"system_identifier" not in body:
                # A checker that does not ask which cluster a peer belongs to gets the row it expects, and
                # believes it.
                row, names = row[:4], names[:4]
            description = struct.pack("!H", len(names)) + b"".join(
                name + b"\0" + struct.pack("!IHIhih", 0, 0, 25, -1, -1, 0) for name in names)
            data = struct.pack("!H", len(row)) + b"".join(
                struct.pack("!i", -1) if value is None else struct.pack("!i", len(value)) + value for value in row)
            conn.sendall(message(b"T", description) + message(b"D", data)
                         + message(b"C", b"SELECT 1\0") + message(b"Z", b"I"))
    except (EOFError, OSError, ssl.SSLError):
        return
    finally:
        try:
            conn.close()
        except OSError:
            pass


if __name__ == "__main__":
    main()

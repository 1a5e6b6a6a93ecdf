import Foundation
import PgsqlStateCore
import Testing
import TestSupport

/// `make deb`: the package's metadata and contents, lintian, and a real install on this machine that serves a
/// check through the installed unit's command line, then a purge that leaves no file behind and keeps the system user.
@Suite(.serialized) struct DebianPackageTests {
    static let package = "pgsql-state"

    @Test func buildInstallServeAndPurge() throws {
        let binary = try ReleaseBinary.path()
        let out = try TemporaryDirectory.make("deb")
        defer { try? FileManager.default.removeItem(atPath: out) }

        // Built from the scratch-path release binary (make deb alone would run swift build -c release,
        // which would wait for the lock swift test holds on .build).
        try Shell.make(["deb", "SKIP_BUILD=1", "RELEASE_BIN=\(binary)", "DEB_DIR=\(out)"])
        let arch = try Shell.run("/usr/bin/dpkg", ["--print-architecture"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let deb = out + "/\(Self.package)_\(Version.string)_\(arch).deb"
        try #require(FileManager.default.fileExists(atPath: deb), "make deb wrote no \(deb)")

        // Control: libpq5 (the runtime library), never the -dev package; the version from Version.swift.
        let info = try Shell.run("/usr/bin/dpkg-deb", ["-I", deb]).stdout
        let control = Self.fields(info)
        #expect(control["Package"] == Self.package)
        #expect(control["Version"] == Version.string)
        #expect(control["Architecture"] == arch)
        let depends = (control["Depends"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? "" }
        #expect(depends.contains("libpq5"), "Depends: \(control["Depends"] ?? "none")")
        #expect(depends.contains("adduser"), "Depends: \(control["Depends"] ?? "none")")
        #expect(!(control["Depends"] ?? "").contains("libpq-dev"))
        #expect(!(control["Depends"] ?? "").contains("-dev"))

        // Contents: exactly these files, owned by root; the config file and the xinetd files are conffiles.
        let units = try SourceTree.shipped("systemd")
        let xinetd = try SourceTree.shipped("xinetd")
        var expectedFiles = [
            "usr/bin/pgsql-state",
            "usr/share/man/man8/pgsql-state.8.gz",
            "usr/share/doc/pgsql-state/copyright",
            "usr/share/doc/pgsql-state/changelog.gz",
            "usr/lib/tmpfiles.d/pgsql-state.conf",
            "etc/pgsql-state/pgsql-state.conf",
        ] + units.map { "lib/systemd/system/\($0)" } + xinetd.map { "etc/xinetd.d/\($0)" }
        if FileManager.default.fileExists(atPath: SourceTree.root + "/packaging/lintian-overrides") {
            expectedFiles.append("usr/share/lintian/overrides/pgsql-state")
        }
        let listing = try Shell.run("/usr/bin/dpkg-deb", ["-c", deb]).stdout
            .split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        let files = listing.filter { $0.first?.hasPrefix("-") == true }.compactMap { $0.last.map { String($0.dropFirst(2)) } }
        #expect(files.sorted() == expectedFiles.sorted())
        #expect(listing.allSatisfy { $0.count > 1 && $0[1] == "root/root" })
        #expect(listing.first { $0.last == "./etc/pgsql-state/pgsql-state.conf" }?.first == "-rw-r-----")
        let conffiles = try Shell.run("/usr/bin/dpkg-deb", ["-I", deb, "conffiles"]).stdout
        #expect(conffiles.split(separator: "\n").map(String.init).sorted()
            == (["/etc/pgsql-state/pgsql-state.conf"] + xinetd.map { "/etc/xinetd.d/\($0)" }).sorted())

        // lintian: no errors. (Warnings and infos are in the README of packaging/ if any.)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/lintian") {
            let lintian = try Shell.run("/usr/bin/lintian", ["--allow-root", deb], timeout: .seconds(180), allowFailure: true)
            let errors = lintian.stdout.split(separator: "\n").filter { $0.hasPrefix("E:") }
            #expect(errors.isEmpty, "lintian:\n\(lintian.stdout)\(lintian.stderr)")
            #expect(lintian.status == 0, "lintian exited \(lintian.status):\n\(lintian.stdout)\(lintian.stderr)")
        } else {
            Issue.record("lintian is not installed (apt-get install -y lintian)")
        }

        // Install on this machine.
        let userBefore = try Shell.run("/usr/bin/getent", ["passwd", "pgsql-state"], allowFailure: true)
        defer { _ = try? Command.run("/usr/bin/dpkg", ["--purge", Self.package], timeout: .seconds(120)) }
        try Shell.run("/usr/bin/dpkg", ["-i", deb])
        let status = try Shell.run("/usr/bin/dpkg-query", ["-W", "-f", "${Version} ${Status}", Self.package]).stdout
        #expect(status == "\(Version.string) install ok installed")
        #expect(try Shell.run("/usr/bin/pgsql-state", ["--version"]).stdout == "pgsql-state \(Version.string)\n")
        #expect(try Shell.run("/usr/bin/getent", ["passwd", "pgsql-state"], allowFailure: true).status == 0)
        let manPath = try Shell.run("/usr/bin/man", ["-w", "8", "pgsql-state"]).stdout
        #expect(manPath == "/usr/share/man/man8/pgsql-state.8.gz\n")
        let manPage = try Shell.run("/bin/gzip", ["-dc", "/usr/share/man/man8/pgsql-state.8.gz"]).stdout
        #expect(manPage.contains("\"pgsql\\-state \(Version.string)\""))
        // The config file: the checker's group reads it, nobody else (postinst sets the group dpkg cannot).
        var config = stat()
        try #require(stat("/etc/pgsql-state/pgsql-state.conf", &config) == 0)
        #expect(config.st_mode & 0o7777 == 0o640)
        #expect(config.st_uid == 0)
        #expect(getgrgid(config.st_gid).map { String(cString: $0.pointee.gr_name) } == "pgsql-state")
        for service in xinetd {
            let text = try String(contentsOfFile: "/etc/xinetd.d/" + service, encoding: .utf8)
            #expect(text.contains("\tdisable\t\t= yes\n"), "\(service)")
            #expect(text.contains("\tserver\t\t= /usr/bin/pgsql-state\n"), "\(service)")
        }
        // Nothing enabled: no socket is wanted by sockets.target.
        for unit in units where unit.hasSuffix(".socket") {
            let wants = "/etc/systemd/system/sockets.target.wants/" + unit
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: wants)) == nil, "\(unit) enabled")
        }

        // Serve checks exactly as the installed units would: their ExecStart and Environment, one process per
        // connection on stdin/stdout (systemd-socket-activate --accept --inetd), against a lab primary.
        let lab = try PostgresLab.start(standby: false, monitorRole: false, binDir: nil)
        defer { lab.stop() }
        let cases: [(unit: String, request: String, check: (String) -> Bool)] = [
            ("pgsql-state@.service", "GET /primary HTTP/1.0\r\n\r\n",
             { $0.hasPrefix("HTTP/1.1 200 OK\r\n") && $0.hasSuffix("\r\n\r\nprimary\n") }),
            ("pgsql-state-text@.service", "", { $0 == "production\n" }),
            ("pgsql-state-agent@.service", "primary\n", { $0 == "up ready\n" }),
        ]
        for (unit, request, check) in cases {
            let text = try String(contentsOfFile: "/lib/systemd/system/" + unit, encoding: .utf8)
            let execStart = Self.values(of: "ExecStart", in: text)
            try #require(execStart.count == 1, "\(unit): ExecStart \(execStart)")
            let command = execStart[0].split(separator: " ").map(String.init)
            #expect(command.first == "/usr/bin/pgsql-state", "\(unit)")
            let environment = Self.values(of: "Environment", in: text).flatMap { $0.split(separator: " ").map(String.init) }
            #expect(environment.contains("PGHOST=/var/run/postgresql"), "\(unit)")
            // The lab's server is not at PGHOST: --conninfo names it (and wins over PG* variables).
            var variables: [String: String] = [:]
            for assignment in environment {
                guard let equals = assignment.firstIndex(of: "=") else { continue }
                variables[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
            }
            let server = try SocketActivated.start(command[0], Array(command.dropFirst()) + ["--conninfo", lab.conninfo(.first)],
                                                   environment: variables)
            defer { server.stop(removeLog: true) }
            let answer = RawClient.exchange(port: server.port, send: Array(request.utf8), timeout: .seconds(5))
            #expect(check(answer.text), "\(unit): \(answer.text.debugDescription)")
        }

        // Purge: every file gone, conffiles too; the system user stays (postrm says why).
        try Shell.run("/usr/bin/dpkg", ["--purge", Self.package])
        for file in expectedFiles {
            #expect(!FileManager.default.fileExists(atPath: "/" + file), "\(file) left behind")
        }
        #expect(!FileManager.default.fileExists(atPath: "/usr/share/doc/pgsql-state"))
        let query = try Shell.run("/usr/bin/dpkg-query", ["-W", "-f", "${Status}", Self.package], allowFailure: true)
        #expect(query.status != 0 || query.stdout.hasSuffix("not-installed"), "\(query.stdout)")
        let userAfter = try Shell.run("/usr/bin/getent", ["passwd", "pgsql-state"], allowFailure: true)
        #expect(userAfter.status == 0, "purge removed the system user")
        if userBefore.status == 0 { #expect(userAfter.stdout == userBefore.stdout) }
    }

    /// postinst creates the system user (home /nonexistent, own group) once; postrm purge keeps it, so that a
    /// password file it owns never passes to a later user given the same uid; a pgsql-state user the
    /// administrator made is kept as well. Run on a copy of /etc bind-mounted over /etc in a private mount
    /// namespace: the machine's own users are untouched.
    @Test func maintainerScriptsOwnOnlyTheirUser() throws {
        let scratch = try TemporaryDirectory.make("etc")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let script = """
            set -eu
            cp -a /etc "$0/etc"
            for f in passwd group shadow gshadow; do sed -i '/^pgsql-state:/d' "$0/etc/$f"; done
            mount --bind "$0/etc" /etc
            postinst="$1/packaging/postinst"; postrm="$1/packaging/postrm"
            "$postinst" configure 2>/dev/null
            echo "user=$(getent passwd pgsql-state)"
            echo "group=$(getent group pgsql-state | cut -d: -f1)"
            "$postinst" configure 2>/dev/null
            echo "again=$(getent passwd pgsql-state)"
            mkdir -p /etc/pgsql-state
            install -m 0600 -o pgsql-state -g pgsql-state /dev/null /etc/pgsql-state/pgpass
            "$postrm" remove 2>/dev/null
            "$postrm" purge 2>/dev/null
            echo "purged=$(getent passwd pgsql-state || true)"
            echo "purgedgroup=$(getent group pgsql-state | cut -d: -f1)"
            echo "pgpass=$(stat -c %U:%G /etc/pgsql-state/pgpass)"
            userdel pgsql-state 2>/dev/null || true
            groupdel pgsql-state 2>/dev/null || true
            useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin pgsql-state
            "$postinst" configure 2>/dev/null
            "$postrm" purge 2>/dev/null
            echo "admin=$(getent passwd pgsql-state | cut -d: -f1)"
            """
        let result = try Shell.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/bash", "-c", script,
                                                        scratch, SourceTree.root], timeout: .seconds(60))
        var seen: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            seen[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        let user = (seen["user"] ?? "").split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        try #require(user.count == 7, "no user created: \(result.stdout) \(result.stderr)")
        #expect(user[0] == "pgsql-state")
        #expect((Int(user[2]) ?? 1000) < 1000, "system uid: \(user)")
        #expect(user[5] == "/nonexistent")
        #expect(user[6] == "/usr/sbin/nologin")
        #expect(seen["group"] == "pgsql-state")
        #expect(seen["again"] == seen["user"])
        // Purged: the user, its group, and the password file's owner name all still there.
        #expect(seen["purged"] == seen["user"])
        #expect(seen["purgedgroup"] == "pgsql-state")
        #expect(seen["pgpass"] == "pgsql-state:pgsql-state")
        #expect(seen["admin"] == "pgsql-state")
    }

    /// `dpkg-deb -I` prints the control file indented by one space; continuation lines by two.
    static func fields(_ info: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in info.split(separator: "\n") where line.hasPrefix(" ") && !line.hasPrefix("  ") {
            let text = line.dropFirst()
            guard let colon = text.firstIndex(of: ":"), !text[..<colon].contains(" ") else { continue }
            fields[String(text[..<colon])] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// The values of `Key=` lines in a unit file (comments ignored).
    static func values(of key: String, in unit: String) -> [String] {
        unit.split(separator: "\n").compactMap { line in
            line.hasPrefix(key + "=") ? String(line.dropFirst(key.count + 1)) : nil
        }
    }
}

import CLibPQ
import CLibPQLoader
import CPosix
import PgsqlStateCore
import PgsqlStateIO

/// The one libpq query engine: any number of connections, each connecting and then sending one query,
/// driven together by one poll(2) under one deadline, for the local probe (one connection) and the peers
/// (one each). libpq's `connect_timeout` cannot go below 2 s and does not cover queries, so everything runs
/// on the non-blocking API. The steps follow the libpq manual, "Connecting" (PQconnectPoll, starting as if
/// it had returned PGRES_POLLING_WRITING) and "Asynchronous Command Processing" (send, flush while also
/// consuming input, consume until not busy, read results until NULL). Each outcome is handed over raw
/// (`ConnectionOutcome`): nothing is decided here. Non-copyable, so that every handle it opened is
/// finished exactly once (`PQfinish`), failed connections included, whatever happens.
struct QuerySession: ~Copyable {
    private var connections: [Connection] = []

    /// One connection per entry: its keyword/value pairs and the query to send once connected (nil: stop
    /// when connected, for `parameter` and `send`).
    init(_ entries: [(pairs: [(keyword: String, value: String)], query: String?)]) {
        for entry in entries {
            guard let handle = Self.start(keywords: entry.pairs.map { $0.keyword }, values: entry.pairs.map { $0.value }) else {
                let words = pgsql_state_libpq_loaded() == 0 ? String(cString: pgsql_state_libpq_load_error())
                    : "libpq could not allocate a connection"
                connections.append(Connection(handle: nil, query: nil, step: .done(.notStarted(words))))
                continue
            }
            var connection = Connection(handle: handle, query: entry.query, step: .connecting(PGRES_POLLING_WRITING))
            if PQstatus(handle) == CONNECTION_BAD { connection.step = .done(connection.refused()) }
            connections.append(connection)
        }
    }

    deinit { for connection in connections { if let handle = connection.handle { PQfinish(handle) } } }

    /// What connection `index` came to; `.timedOut` for one still under way.
    func outcome(_ index: Int) -> ConnectionOutcome {
        switch connections[index].step {
        case .done(let outcome): outcome
        case .connecting: .timedOut(connecting: true)
        case .flushing, .reading: .timedOut(connecting: false)
        }
    }

    /// A parameter the server reported when the connection started (`PQparameterStatus`).
    func parameter(_ index: Int, _ name: String) -> String? {
        guard let handle = connections[index].handle, let value = PQparameterStatus(handle, name) else { return nil }
        return String(cString: value)
    }

    /// Sends `query` on connection `index`, which stopped when connected; `run` then reads its result.
    mutating func send(_ index: Int, _ query: String) {
        guard case .done(.connected) = connections[index].step else { return }
        connections[index].query = query
        connections[index].sendQuery()
    }

    /// Drives every connection until each is done (or stopped when connected), or the deadline passes.
    mutating func run(until deadline: Deadline) {
        while !deadline.hasPassed {
            var entries: [pollfd] = []
            var waiting: [Int] = []
            for index in connections.indices {
                guard let events = connections[index].events, let handle = connections[index].handle else { continue }
                entries.append(pollfd(fd: PQsocket(handle), events: events, revents: 0))
                waiting.append(index)
            }
            if waiting.isEmpty { return }
            switch Readiness.waitAny(&entries, until: deadline) {
            case .ready: break
            case .timedOut: return
            case .failed(let error):
                for index in waiting { connections[index].step = .done(.lost(message: "poll: \(error.description)")) }
                return
            }
            for (entry, index) in zip(entries, waiting) where entry.revents != 0 {
                connections[index].advance(readable: entry.revents & Int16(POLLOUT) == 0 || entry.revents & Int16(POLLIN) != 0)
            }
        }
    }

    /// `PQconnectStartParams` with our settings; nil when libpq cannot be loaded or cannot allocate.
    private static func start(keywords: [String], values: [String]) -> OpaquePointer? {
        let handle = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectStartParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else { return nil }
        // Verbose errors carry the SQLSTATE, which is how a failed start-up is classified.
        PQsetErrorVerbosity(handle, PQERRORS_VERBOSE)
        // Notices would be printed on stderr, which is the client's socket under xinetd.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        return handle
    }
}

/// One connection's way through the steps.
private struct Connection {
    enum Step {
        case connecting(PostgresPollingStatusType)
        case flushing
        case reading(first: QueryResult?)
        case done(ConnectionOutcome)
    }

    let handle: OpaquePointer?
    var query: String?
    var step: Step

    /// What to wait for; nil when done.
    var events: Int16? {
        switch step {
        case .connecting(let status): Int16(status == PGRES_POLLING_READING ? POLLIN : POLLOUT)
        case .flushing: Int16(POLLIN | POLLOUT)
        case .reading: Int16(POLLIN)
        case .done: nil
        }
    }

    mutating func advance(readable: Bool) {
        guard let handle else { return }
        switch step {
        case .connecting:
            let status = PQconnectPoll(handle)
            switch status {
            case PGRES_POLLING_OK:
                if query == nil { step = .done(.connected) } else { sendQuery() }
            case PGRES_POLLING_READING, PGRES_POLLING_WRITING:
                step = .connecting(status)
            default:
                step = .done(refused())
            }
        case .flushing:
            if readable, PQconsumeInput(handle) != 1 { step = .done(lost()); return }
            flush()
        case .reading(let first):
            guard PQconsumeInput(handle) == 1 else { step = .done(lost()); return }
            read(first: first)
        case .done:
            return
        }
    }

    mutating func sendQuery() {
        guard let handle, let query else { return }
        guard PQsetnonblocking(handle, 1) == 0, PQsendQuery(handle, query) == 1 else { step = .done(lost()); return }
        flush()
    }

    private mutating func flush() {
        guard let handle else { return }
        switch PQflush(handle) {
        case 0:
            read(first: nil)
        case 1:
            step = .flushing
        default:
            step = .done(lost())
        }
    }

    /// Reads results while libpq has them; the first one counts, the rest are drained as libpq requires.
    private mutating func read(first: QueryResult?) {
        guard let handle else { return }
        var first = first
        while PQisBusy(handle) == 0 {
            guard let result = PQgetResult(handle) else {
                step = .done(.answered(first ?? .none))
                return
            }
            if first == nil { first = ResultValues.of(result) }
            PQclear(result)
        }
        step = .reading(first: first)
    }

    func refused() -> ConnectionOutcome {
        guard let handle else { return .notStarted("") }
        return .refused(message: errorMessage, needsPassword: PQconnectionNeedsPassword(handle) == 1)
    }

    private func lost() -> ConnectionOutcome { .lost(message: errorMessage) }

    private var errorMessage: String {
        guard let handle, let message = PQerrorMessage(handle) else { return "" }
        return String(cString: message)
    }
}

/// NULL-terminated array of C strings, valid for the duration of `body`.
private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicates: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = duplicates.map { UnsafePointer($0) }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

import CLibPQ
import PgsqlStateCore
import PgsqlStateIO
import CPosix

/// Asks every peer at once for its role and timeline (`PeerQuery`), on libpq's non-blocking API under
/// one poll(2) and one deadline: a peer that is down, hung or unreachable costs at most the deadline and
/// then counts as unanswered. The steps follow the libpq manual, "Connecting" (PQconnectPoll, starting as
/// if it had returned PGRES_POLLING_WRITING) and "Asynchronous Command Processing" (send, flush while
/// also consuming input, consume until not busy, read results until NULL).
package enum PeerSurvey {
    package static func run(_ peers: [ClusterPeer], until deadline: Deadline) -> [PeerReport] {
        var handles = Handles()
        var tasks: [Task] = []
        for peer in peers {
            // The line and what PeerSecurity adds to it (verified TLS or channel binding), read at start-up.
            let pairs = ConninfoCheck.parameters(peer)
            guard let handle = Connection.start(keywords: pairs.map { $0.keyword }, values: pairs.map { $0.value }) else {
                tasks.append(Task(handle: nil, name: peer.name, trust: peer.security.trust, step: .done(.unanswered(.error))))
                continue
            }
            handles.list.append(handle)
            let step: Step = PQstatus(handle) == CONNECTION_BAD ? .done(failure(handle)) : .connecting(PGRES_POLLING_WRITING)
            tasks.append(Task(handle: handle, name: peer.name, trust: peer.security.trust, step: step))
        }
        while !deadline.hasPassed {
            var entries: [pollfd] = []
            var waiting: [Int] = []
            for index in tasks.indices {
                guard let events = tasks[index].events, let handle = tasks[index].handle else { continue }
                entries.append(pollfd(fd: PQsocket(handle), events: events, revents: 0))
                waiting.append(index)
            }
            if waiting.isEmpty { break }
            guard Readiness.waitAny(&entries, until: deadline) == .ready else {
                for index in waiting { tasks[index].step = .done(.unanswered(.timeout)) }
                break
            }
            for (entry, index) in zip(entries, waiting) where entry.revents != 0 {
                tasks[index].advance(readable: entry.revents & Int16(POLLOUT) == 0 || entry.revents & Int16(POLLIN) != 0)
            }
        }
        return tasks.map { task in
            if case .done(let outcome) = task.step { return PeerReport(name: task.name, outcome: outcome, trust: task.trust) }
            return PeerReport(name: task.name, outcome: .unanswered(.timeout), trust: task.trust)
        }
    }

    /// Every handle this run opened, finished exactly once whatever happens.
    private struct Handles: ~Copyable {
        var list: [OpaquePointer] = []
        deinit { for handle in list { PQfinish(handle) } }
    }

    private enum Step {
        case connecting(PostgresPollingStatusType)
        case flushing
        case reading(first: PeerReport.Outcome?)
        case done(PeerReport.Outcome)
    }

    private struct Task {
        let handle: OpaquePointer?
        let name: String
        let trust: PeerSecurity.Trust?
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
                    guard PQsetnonblocking(handle, 1) == 0, PQsendQuery(handle, PeerQuery.sql) == 1 else {
                        step = .done(lost(handle)); return
                    }
                    step = .flushing
                    flush(handle)
                case PGRES_POLLING_READING, PGRES_POLLING_WRITING:
                    step = .connecting(status)
                default:
                    step = .done(failure(handle))
                }
            case .flushing:
                if readable, PQconsumeInput(handle) != 1 { step = .done(lost(handle)); return }
                flush(handle)
            case .reading(let first):
                guard PQconsumeInput(handle) == 1 else { step = .done(lost(handle)); return }
                read(handle, first: first)
            case .done:
                return
            }
        }

        private mutating func flush(_ handle: OpaquePointer) {
            switch PQflush(handle) {
            case 0:
                step = .reading(first: nil)
                read(handle, first: nil)
            case 1:
                step = .flushing
            default:
                step = .done(lost(handle))
            }
        }

        /// Reads results while libpq has them; the first one decides, the rest are drained as libpq requires.
        private mutating func read(_ handle: OpaquePointer, first: PeerReport.Outcome?) {
            var first = first
            while PQisBusy(handle) == 0 {
                guard let result = PQgetResult(handle) else {
                    step = .done(first ?? PeerQuery.outcome(.none))
                    return
                }
                if first == nil { first = outcome(result) }
                PQclear(result)
            }
            step = .reading(first: first)
        }

        private func outcome(_ result: OpaquePointer) -> PeerReport.Outcome {
            PeerQuery.outcome(ResultValues.of(result))
        }
    }

    private static func failure(_ handle: OpaquePointer) -> PeerReport.Outcome {
        .unanswered(FailureReason.peerConnection(message: Connection.errorMessage(handle),
                                                 needsPassword: PQconnectionNeedsPassword(handle) == 1))
    }

    private static func lost(_ handle: OpaquePointer) -> PeerReport.Outcome {
        .unanswered(FailureReason.connection(message: Connection.errorMessage(handle), needsPassword: false))
    }
}

import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The multi-host lab (`scripts/lab`, hosts in `lab/hosts`): every node its own host booting a real systemd,
/// PostgreSQL run by `postgresql@15-main`, the checker from the project's .deb, HAProxy nodes running
/// `haproxy.cfg.example`. Booted once for a whole suite (`HostLabScope`), taken down after it, and also when the
/// test process dies (`scripts/lab up --owner`: the lab watches this process).
struct HostLab: Sendable {
    static let script = Repository.path("scripts/lab")
    @TaskLocal static var current: HostLab?

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// NAME -> (kind, address, what), from lab/hosts.
    let hosts: [String: (kind: String, address: String, what: String)]

    static func up() throws -> HostLab {
        let teardown = Teardown.register { HostLab.down() }
        do {
            let result = try run(["up", "--owner", String(getpid())], timeout: .seconds(240))
            guard result.status == 0 else { throw Failure(description: "scripts/lab up failed:\n\(result.stderr)") }
            print("lab: \(result.stderr.split(separator: "\n").last ?? "")")
        } catch {
            down()
            Teardown.unregister(teardown)
            throw error
        }
        let text = try String(contentsOfFile: Repository.path("lab/hosts"), encoding: .utf8)
        var hosts: [String: (kind: String, address: String, what: String)] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count >= 4 else { continue }
            hosts[fields[0]] = (fields[1], String(fields[2].split(separator: "/")[0]), fields[3])
        }
        return HostLab(hosts: hosts)
    }

    static func down() {
        _ = try? run(["down"], timeout: .seconds(60))
    }

    static func run(_ arguments: [String], timeout: Duration = .seconds(60)) throws -> Command.Output {
        // The package is built by scripts/test (release) before the tests: the lab packages that binary.
        let environment = Command.environment(adding: ["LAB_SKIP_BUILD": "1"])
        return try Command.run("/bin/bash", [script] + arguments, environment: environment, timeout: timeout)
    }

    /// `scripts/lab ARGS...`, which must succeed; its stdout.
    @discardableResult
    func step(_ arguments: [String], timeout: Duration = .seconds(60)) throws -> String {
        let result = try Self.run(arguments, timeout: timeout)
        guard result.status == 0 else {
            throw Failure(description: "scripts/lab \(arguments.joined(separator: " ")) (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// A shell command inside NODE (bash -c), which must succeed; its stdout.
    @discardableResult
    func shell(_ node: String, _ script: String, timeout: Duration = .seconds(60)) throws -> String {
        try step(["run", node, "bash", "-c", script], timeout: timeout)
    }

    func address(_ name: String) -> String { hosts[name]?.address ?? "0.0.0.0" }
    func names(_ kind: String) -> [String] { hosts.filter { $0.value.kind == kind }.map(\.key).sorted() }
    var databases: [String] { names("db") }
    var haproxies: [String] { names("haproxy") }

    /// SQL as postgres inside NODE.
    func sql(_ node: String, _ statement: String) throws -> String {
        try step(["psql", node, statement]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// NODE -> primary|standby|down.
    func roles() throws -> [String: String] {
        var roles: [String: String] = [:]
        for line in try step(["roles"]).split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            if fields.count == 2 { roles[fields[0]] = fields[1] }
        }
        return roles
    }

    func waitForView(_ seconds: Int = 30) throws {
        try step(["wait", String(seconds)], timeout: .seconds(seconds + 30))
    }

    /// The first line of a checker's answer, asked from HOST (a lab host) to NODE's PORT; "" when none came.
    func ask(from host: String, _ node: String, port: Int, _ request: String) throws -> String {
        try shell(host, """
            exec 3<>/dev/tcp/\(address(node))/\(port) || exit 0
            printf '%b' '\(request)' >&3
            timeout 5 head -1 <&3 | tr -d '\\r'
            """).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A journal cursor inside NODE, for `journal(after:)`.
    func cursor(_ node: String) throws -> String {
        try shell(node, "journalctl -q -n 0 --show-cursor | sed -n 's/^-- cursor: //p'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every journal line of NODE after `cursor`, once journald has processed what was sent before the call.
    func journal(_ node: String, after cursor: String) throws -> [String] {
        try shell(node, "journalctl --sync; journalctl -q --no-pager -o short-monotonic --after-cursor='\(cursor)'")
            .split(separator: "\n").map(String.init)
    }
}

/// Boots the lab once around a whole suite and takes it down after it (test scoping, swift-testing 6.1).
struct HostLabScope: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let clock = ContinuousClock(), start = clock.now
        let lab = try HostLab.up()
        print("lab: up in \(clock.now - start)")
        defer {
            HostLab.down()
            print("lab: suite and teardown took \(clock.now - start)")
        }
        try await HostLab.$current.withValue(lab) { try await function() }
    }
}

extension Trait where Self == HostLabScope {
    static var hostLab: HostLabScope { HostLabScope() }
}

/// The lab of the running suite.
func currentLab() throws -> HostLab {
    try #require(HostLab.current, "no lab: the suite must have the .hostLab trait")
}

/// `body(0)` ... `body(count - 1)`, each on its own thread, all at once (DispatchQueue.concurrentPerform runs no
/// more at once than there are cores: on 2 cores a third iteration starts only after one of the first two ended).
func together(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread { body(index); group.leave() }.start()
    }
    group.wait()
}

import PgsqlStateCore
import Testing

private typealias Tag = PgsqlStateCore.Tag

@Suite struct RequestTargetTests {
    /// The outcome as a value, to compare successes and failures alike.
    private func routed(_ head: HTTPRequestHead) -> Result<RequestTarget.Target, HTTPError> {
        Result { () throws(HTTPError) in try RequestTarget.route(head, defaultCheck: .role) }
    }

    private func route(_ target: String, default defaultCheck: Check = .role) -> Result<Check, HTTPError> {
        Result { () throws(HTTPError) in
            try RequestTarget.check(HTTPRequestHead(method: .get, target: target), defaultCheck: defaultCheck)
        }
    }

    @Test func rootMeansTheConfiguredDefault() {
        #expect(route("/") == .success(.role))
        #expect(route("/", default: Check(kind: .primary)) == .success(Check(kind: .primary)))
    }

    @Test func rootParametersReplaceTheDefaultLimits() {
        let configured = Check(kind: .standby, maxLagBytes: 1, requireStreaming: false)
        #expect(route("/?lag=2kB", default: configured) == .success(Check(kind: .standby, maxLagBytes: 2048)))
    }

    @Test(arguments: [
        ("/role", CheckKind.role), ("/primary", .primary), ("/master", .primary), ("/leader", .leader),
        ("/read-write", .primary), ("/standby", .standby), ("/replica", .standby), ("/read-only", .readOnly),
        ("/health", .health), ("/liveness", .liveness), ("/standby-leader", .standbyLeader), ("/standby_leader", .standbyLeader),
        ("/sync", .sync), ("/synchronous", .sync), ("/async", .async), ("/asynchronous", .async),
        ("/read-only-sync", .readOnlySync),
    ])
    func pathsAndAliases(_ target: String, _ kind: CheckKind) {
        #expect(route(target) == .success(Check(kind: kind)))
    }

    @Test func limits() {
        #expect(route("/replica?lag=16MB&replication_state=streaming")
            == .success(Check(kind: .standby, maxLagBytes: 16 << 20, requireStreaming: true)))
        #expect(route("/read-only?lag=0") == .success(Check(kind: .readOnly, maxLagBytes: 0)))
    }

    @Test(arguments: ["/replica/", "//primary", "/../primary", "/%70rimary", "/PRIMARY", "/nope", "/quorums", "/cluster", "/history"])
    func unknownPathsAreNotFound(_ target: String) {
        #expect(route(target) == .failure(.notFound))
    }

    @Test(arguments: ["/replica?lag=", "/replica?lag=16 MB", "/replica?lag=1.5MB", "/replica?replication_state=running",
                      "/replica?tag_=1", "/replica?tag_x", "/replica?tag_a b=1", "/replica?lag", "/primary?lga=1MB", "/liveness?lag", "/replica?&",
                      "/replica?lag=99999999999999999999", "/replica?lag=20000000TB"])
    func badParametersAreBadRequests(_ target: String) {
        #expect(route(target) == .failure(.badRequest))
    }

    @Test func readinessAndTags() {
        #expect(route("/readiness") == .success(Check(kind: .readiness, maxLagBytes: 1 << 20, requireStreaming: true)))
        #expect(route("/readiness?lag=1MB&mode=write")
            == .success(Check(kind: .readiness, maxLagBytes: 1 << 20, requireStreaming: true, lagMode: .write)))
        #expect(route("/readiness?mode=replay") == .failure(.badRequest))
        #expect(route("/replica?tag_nofailover=true&lag=1kB")
            == .success(Check(kind: .standby, maxLagBytes: 1024, requiredTags: [Tag(key: "nofailover", value: "true")])))
        // Patroni ignores tags on the leader checks.
        #expect(route("/primary?tag_a=1") == .success(Check(kind: .primary)))
        #expect(route("/standby-leader?tag_a=1") == .success(Check(kind: .standbyLeader)))
        // And on /liveness and /readiness, which have handlers of their own in Patroni.
        #expect(route("/readiness?tag_a=1") == .success(Check(kind: .readiness)))
        #expect(route("/liveness?tag_a b=1") == .success(Check(kind: .liveness)))
        #expect(route("/health?tag_a=1") == .success(Check(kind: .health, requiredTags: [Tag(key: "a", value: "1")])))
    }

    /// Patroni ignores a parameter that does not apply to the path (patroni/api.py reads `lag` and `tag_`
    /// where its replica status decides, `mode` in /readiness only): HAProxy lines written for it work here.
    @Test(arguments: [
        ("/primary?lag=1MB", Check(kind: .primary)),
        ("/primary?lag=lots", Check(kind: .primary)),
        ("/leader?replication_state=streaming", Check(kind: .leader)),
        ("/?mode=write", Check(kind: .primary)),
        ("/standby-leader?lag=1MB&mode=write", Check(kind: .standbyLeader)),
        ("/replica?mode=write", Check(kind: .standby)),
        ("/health?lag=1", Check(kind: .health)),
        ("/liveness?lag=1MB&replication_state=streaming", Check(kind: .liveness)),
    ])
    func parametersThatDoNotApplyAreIgnored(_ target: String, _ expected: Check) throws {
        #expect(try RequestTarget.check(HTTPRequestHead(method: .get, target: target), defaultCheck: Check(kind: .primary)) == expected)
    }

    /// Patroni 4's quorum commit names (docs/rest_api.rst) and the long form of /read-only-sync.
    @Test func patroniFourNames() {
        #expect(route("/quorum") == .success(Check(kind: .sync)))
        #expect(route("/quorum?lag=1MB") == .success(Check(kind: .sync, maxLagBytes: 1 << 20)))
        #expect(route("/read-only-quorum") == .success(Check(kind: .readOnlySync)))
        #expect(route("/read-only-synchronous") == .success(Check(kind: .readOnlySync)))
    }

    @Test func reports() {
        let head = { (target: String) in HTTPRequestHead(method: .get, target: target) }
        #expect(routed(head("/status")) == .success(.report(.status)))
        #expect(routed(head("/patroni")) == .success(.report(.status)))
        #expect(routed(head("/metrics")) == .success(.report(.metrics)))
        // Patroni's /patroni and /metrics read no parameters.
        #expect(routed(head("/metrics?tag_dc=a")) == .success(.report(.metrics)))
        #expect(routed(head("/patroni?lag=lots")) == .success(.report(.status)))
        #expect(routed(head("/replica")) == .success(.check(Check(kind: .standby))))
        #expect(routed(head("/status?x=1")) == .success(.report(.status)))
        #expect(routed(head("/statusx")) == .failure(.notFound))
    }
}

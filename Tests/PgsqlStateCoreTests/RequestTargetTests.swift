import PgsqlStateCore
import Testing

@Suite struct RequestTargetTests {
    private func route(_ target: String, default defaultCheck: Check = .role) -> Result<Check, HTTPError> {
        RequestTarget.check(HTTPRequestHead(method: .get, target: target), defaultCheck: defaultCheck)
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
        ("/role", CheckKind.role), ("/primary", .primary), ("/master", .primary), ("/leader", .primary),
        ("/read-write", .primary), ("/standby", .standby), ("/replica", .standby), ("/read-only", .readOnly),
        ("/health", .health),
    ])
    func pathsAndAliases(_ target: String, _ kind: CheckKind) {
        #expect(route(target) == .success(Check(kind: kind)))
    }

    @Test func limits() {
        #expect(route("/replica?lag=16MB&replication_state=streaming")
            == .success(Check(kind: .standby, maxLagBytes: 16 << 20, requireStreaming: true)))
        #expect(route("/read-only?lag=0") == .success(Check(kind: .readOnly, maxLagBytes: 0)))
    }

    @Test(arguments: ["/replica/", "//primary", "/../primary", "/%70rimary", "/PRIMARY", "/nope", "/liveness"])
    func unknownPathsAreNotFound(_ target: String) {
        #expect(route(target) == .failure(.notFound))
    }

    @Test(arguments: ["/replica?lag=", "/replica?lag=16 MB", "/replica?lag=1.5MB", "/replica?replication_state=running",
                      "/replica?tag_x=1", "/replica?lag", "/primary?lag=1MB", "/health?lag=1", "/replica?&",
                      "/replica?lag=99999999999999999999", "/replica?lag=20000000TB"])
    func badParametersAreBadRequests(_ target: String) {
        #expect(route(target) == .failure(.badRequest))
    }
}

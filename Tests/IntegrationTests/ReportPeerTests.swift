import Foundation
import Testing
import TestSupport

/// `/status`, `/patroni` and `/metrics` describe a primary as HAProxy's `/primary` sees it: after a failover
/// the old primary's documents say superseded, not a healthy primary.
@Suite struct ReportPeerTests {
    @Test func aStalePrimarysDocumentsSaySuperseded() throws {
        let lab = try PostgresLab.start(standby: true, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        try lab.promote(.second)
        let server = try SocketActivated.start(CheckerBinary.path, ["--timeout", "2", "--conninfo", lab.conninfo(.first, user: "checker"),
                                                                    "--peer", lab.tcpConninfo(.second, user: "checker")])
        defer { server.stop() }
        func get(_ target: String) -> String {
            RawClient.exchange(port: server.port, request: "GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n", timeout: .seconds(5)).text
        }
        #expect(get("/primary").hasSuffix("\r\n\r\nsuperseded\n"))
        for target in ["/status", "/patroni"] {
            let status = get(target)
            #expect(status.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(target)")
            #expect(status.contains("\"role\": \"primary\""), "\(status)")
            #expect(status.contains("\"node\": \"superseded\", \"reason\": \"superseded\""), "\(status)")
        }
        let metrics = get("/metrics")
        #expect(metrics.contains("\npgsql_state_available 0\n"), "\(metrics)")
        // The new primary's documents are unchanged: a healthy primary, available.
        let fresh = try SocketActivated.start(CheckerBinary.path, ["--timeout", "2", "--conninfo", lab.conninfo(.second, user: "checker"),
                                                                   "--peer", lab.tcpConninfo(.first, user: "checker")])
        defer { fresh.stop() }
        let freshMetrics = RawClient.exchange(port: fresh.port, request: "GET /metrics HTTP/1.1\r\n\r\n", timeout: .seconds(5)).text
        #expect(freshMetrics.contains("\npgsql_state_available 1\n"), "\(freshMetrics)")
    }
}

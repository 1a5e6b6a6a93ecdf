import Foundation
import Testing
import TestSupport

extension LabTests {
    /// postgres-ro-lag (GET /replica?lag=16MB, as shipped) keeps only standbys that stream and are within
    /// 16MB of the primary's WAL end; postgres-ro (the plain role check) keeps any standby.
    @Suite struct LagAwarePool {
        static let lagListenerDown = ["postgres-ro-lag/pg2=DOWN"]

        @Test func standbyLaggingPastTheLimitLeavesTheLagAwarePool() throws {
            let lab = try ShippedLab.up(name: "pgsql-state-haproxy-lab")
            defer { lab.down() }
            let standby = lab.nodePort("pg2")
            // Replay waits an hour at the next commit while WAL keeps arriving: three WAL segment switches,
            // each after a commit, put the primary's WAL end 32MB ahead of the standby's replay position.
            _ = try lab.sql("standby", "ALTER SYSTEM SET recovery_min_apply_delay = '1h'")
            _ = try lab.sql("standby", "SELECT pg_reload_conf()")
            try Wait.until(timeout: .seconds(10), "apply delay active") {
                try lab.sql("standby", "SHOW recovery_min_apply_delay") == "1h"
            }
            for _ in 0..<3 {
                _ = try lab.sql("primary", "INSERT INTO lab_writes (via) VALUES ('lag'); SELECT pg_switch_wal()")
            }
            let lagQuery = "SELECT pg_wal_lsn_diff(latest_end_lsn, pg_last_wal_replay_lsn())::bigint FROM pg_stat_wal_receiver"
            try Wait.until(timeout: .seconds(15), "standby more than 16MB behind") {
                (Int(try lab.sql("standby", lagQuery)) ?? 0) > 16 << 20
            }
            try lab.waitForView(Self.lagListenerDown, timeout: 20)
            for via in ShippedLab.vias {
                #expect(try lab.client(via, "ro-lag", "SELECT 1").status != 0, "\(via): ro-lag still serves")
                #expect(try lab.client(via, "ro", "SELECT inet_server_port()").stdout == "\(standby)\n", "\(via) ro")
            }
            // Caught up: back in the pool.
            _ = try lab.sql("standby", "ALTER SYSTEM RESET recovery_min_apply_delay")
            _ = try lab.sql("standby", "SELECT pg_reload_conf()")
            try lab.waitForView(timeout: 20)
            for via in ShippedLab.vias {
                #expect(try lab.client(via, "ro-lag", "SELECT inet_server_port()").stdout == "\(standby)\n", "\(via)")
            }
        }

        @Test func standbyThatLostItsPrimaryLeavesTheLagAwarePool() throws {
            let lab = try ShippedLab.up(name: "pgsql-state-haproxy-lab")
            defer { lab.down() }
            let standby = lab.nodePort("pg2")
            try lab.step("stop-node", ["primary"])
            // The old primary leaves every rw listener, the standby (no longer streaming, so its lag cannot be
            // measured) leaves ro-lag and stays in ro.
            let primaryGone = ["postgres-rw/pg1=DOWN", "postgres-rw-tcp/pg1=DOWN", "postgres-rw-agent/pg1=DOWN"]
            try lab.waitForView(primaryGone + Self.lagListenerDown, timeout: 20)
            for via in ShippedLab.vias {
                #expect(try lab.client(via, "ro-lag", "SELECT 1").status != 0, "\(via): ro-lag still serves")
                #expect(try lab.client(via, "ro", "SELECT inet_server_port()").stdout == "\(standby)\n", "\(via) ro")
            }
            // The primary is back, the standby streams again: back in the pool.
            try lab.step("start-node", ["primary"])
            try lab.waitForView(timeout: 30)
        }
    }
}

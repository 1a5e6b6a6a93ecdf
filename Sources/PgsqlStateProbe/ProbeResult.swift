import PgsqlStateCore

/// What one probe learned (`ProbeRecord`, raw, so that it can be shared) and how the core reads it. The
/// diagnostic never reaches the socket.
package struct ProbeResult: Sendable {
    package var record: ProbeRecord

    package init(_ record: ProbeRecord) { self.record = record }

    package var facts: NodeFacts { record.reading.facts }
    package var diagnostic: String? { record.reading.diagnostic }
    package var sqlState: String? { record.reading.sqlState }
}

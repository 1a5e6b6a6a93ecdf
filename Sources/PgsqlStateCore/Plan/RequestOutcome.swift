/// What reading an HTTP request head came to, as the socket edge reports it.
package enum RequestOutcome: Equatable, Sendable {
    /// Nothing arrived before the deadline, or the client closed without sending: the default check.
    case noRequest
    case head(HTTPRequestHead)
    case error(HTTPError)
    /// The client reset the connection: nobody to answer.
    case clientGone
}

// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "pgsql-state",
    products: [
        .executable(name: "pgsql-state", targets: ["pgsql-state"]),
    ],
    targets: [
        // libpq, as Debian's libpq-dev ships it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // The pure core: node state, check policy, request parsing, rendering. No socket, no libpq.
        .target(name: "PgsqlStateCore"),
        // libpq edge: one connection in, plain facts out.
        .target(name: "PgsqlStateProbe", dependencies: ["PgsqlStateCore", "PgsqlStateIO", "CLibPQ"]),
        // Process and socket edge: file descriptors, deadlines, syslog.
        .target(name: "PgsqlStateIO", dependencies: ["PgsqlStateCore"]),
        .executableTarget(
            name: "pgsql-state",
            dependencies: ["PgsqlStateCore", "PgsqlStateProbe", "PgsqlStateIO"]
        ),
        .testTarget(name: "PgsqlStateCoreTests", dependencies: ["PgsqlStateCore"]),
        // Helpers for tests that start real PostgreSQL, xinetd, systemd-socket-activate and HAProxy.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["PgsqlStateCore", "PgsqlStateProbe", "TestSupport", "pgsql-state"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.1
import PackageDescription

// The shipped executable is built in Embedded Swift (`make release` runs scripts/build-release, which sets
// PGSQL_STATE_EMBEDDED=1, its own scratch path and the Embedded library directory): no Swift runtime to load at
// each of thousands of starts a minute (bench/LINKING.md). Without the variable the same sources build as
// ordinary Swift, which is what `swift test`, debug builds and `make release-static` use.
let embedded = Context.environment["PGSQL_STATE_EMBEDDED"] == "1"
let embeddedSwift: [SwiftSetting] = embedded
    ? [.enableExperimentalFeature("Embedded"), .unsafeFlags(["-wmo", "-Xfrontend", "-function-sections"])]
    : []

// String comparison and Character need the stdlib's Unicode tables, which Embedded Swift keeps in a
// separate archive (scripts/build-release passes its directory); unused code goes with --gc-sections.
let embeddedLinking: [LinkerSetting] = [
    .linkedLibrary("swiftUnicodeDataTables"),
    .unsafeFlags(["-Xlinker", "--gc-sections"]),
]

let package = Package(
    name: "pgsql-state",
    products: [
        .executable(name: "pgsql-state", targets: ["pgsql-state"]),
    ],
    targets: [
        // libpq's header, as Debian's libpq-dev ships it; the library itself is loaded on first use
        // (CLibPQLoader), never linked.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // libpq's functions, forwarding to libpq.so.5 once a probe needs it (CLibPQLoader.h says why).
        .target(name: "CLibPQLoader", dependencies: ["CLibPQ"]),
        // The pure core: node state, check policy, request parsing, rendering. No socket, no libpq.
        .target(name: "PgsqlStateCore", swiftSettings: embeddedSwift),
        // libpq edge: one connection in, plain facts out.
        .target(name: "PgsqlStateProbe", dependencies: ["PgsqlStateCore", "PgsqlStateIO", "CLibPQ", "CLibPQLoader", "CPosix"], swiftSettings: embeddedSwift),
        // POSIX for the edges, in every build mode: Embedded Swift cannot import Glibc (CPosix.h says why).
        .target(name: "CPosix"),
        // Process and socket edge: file descriptors, deadlines, syslog.
        .target(name: "PgsqlStateIO", dependencies: ["PgsqlStateCore", "CPosix"], swiftSettings: embeddedSwift),
        // Start-up only: keeps argv without the static runtime's /proc/self/maps scan (see argv.c).
        .target(name: "CArgv"),
        .executableTarget(
            name: "pgsql-state",
            dependencies: ["PgsqlStateCore", "PgsqlStateProbe", "PgsqlStateIO", "CArgv", "CPosix"],
            exclude: ["StaticLinking"],
            swiftSettings: embeddedSwift,
            linkerSettings: embedded ? embeddedLinking : [
                // Started thousands of times a minute: loading the shared Swift runtime, libstdc++ and
                // libgcc_s costs more than the check itself. Static runtime, static libstdc++ (through
                // the linker script in StaticLinking/) and static libgcc leave only libpq's own
                // dependencies to load (bench/LINKING.md). PIE stays: ASLR for a network-facing process.
                .unsafeFlags([
                    "-static-stdlib",
                    "-L", Context.packageDirectory + "/Sources/pgsql-state/StaticLinking",
                    "-Xclang-linker", "-static-libgcc",
                ], .when(configuration: .release)),
            ]
        ),
        .testTarget(name: "PgsqlStateCoreTests", dependencies: ["PgsqlStateCore"]),
        // The socket edge over socketpair(2), and the argv fallback: no PostgreSQL needed.
        .testTarget(name: "PgsqlStateIOTests", dependencies: ["PgsqlStateCore", "PgsqlStateIO", "CArgv", "CPosix"]),
        // Helpers for tests that start real PostgreSQL, xinetd, systemd-socket-activate and HAProxy.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["PgsqlStateCore", "PgsqlStateProbe", "TestSupport", "pgsql-state"]
        ),
        // The deployed shape: shipped xinetd, systemd and HAProxy files around a primary and a standby.
        .testTarget(name: "LabTests", dependencies: ["TestSupport", "pgsql-state"]),
        // Load and bursts through the shipped xinetd and systemd files: no resets, no lost answers.
        .testTarget(name: "LoadTests", dependencies: ["TestSupport", "pgsql-state"]),
        // make install, the Debian package, and the man page agreeing with --help and README.
        .testTarget(name: "PackagingTests", dependencies: ["PgsqlStateCore", "PgsqlStateIO", "TestSupport", "pgsql-state"]),
    ],
    swiftLanguageModes: [.v6]
)

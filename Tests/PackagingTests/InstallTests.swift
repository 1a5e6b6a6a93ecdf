import Foundation
import PgsqlStateCore
import Testing
import TestSupport

/// `make install` / `make uninstall` with GNU DESTDIR and PREFIX, into a temporary tree.
@Suite struct InstallTests {
    @Test(arguments: ["/usr/local", "/opt/pgsql-state"])
    func installThenUninstallLeavesNoFile(prefix: String) throws {
        let binary = try ReleaseBinary.path()
        let destdir = try TemporaryDirectory.make("destdir")
        defer { try? FileManager.default.removeItem(atPath: destdir) }
        let variables = ["DESTDIR=\(destdir)", "PREFIX=\(prefix)", "RELEASE_BIN=\(binary)"]
        let relativePrefix = String(prefix.dropFirst())

        try Shell.make(["install"] + variables)

        let units = try SourceTree.shipped("systemd")
        let xinetd = try SourceTree.shipped("xinetd")
        #expect(units.count == 6 && xinetd.count == 3, "shipped: \(units) \(xinetd)")
        let expected = ([
            "\(relativePrefix)/bin/pgsql-state",
            "\(relativePrefix)/share/man/man8/pgsql-state.8",
            "\(relativePrefix)/lib/tmpfiles.d/pgsql-state.conf",
            "etc/pgsql-state/pgsql-state.conf",
        ] + units.map { "\(relativePrefix)/lib/systemd/system/\($0)" } + xinetd.map { "etc/xinetd.d/\($0)" }).sorted()
        #expect(TemporaryDirectory.files(under: destdir) == expected)
        #expect(try String(contentsOfFile: destdir + "/etc/pgsql-state/pgsql-state.conf", encoding: .utf8)
            == SourceTree.read("packaging/pgsql-state.conf"))
        // Not readable by others: it may hold the peers' connection strings.
        let configMode = try FileManager.default.attributesOfItem(atPath: destdir + "/etc/pgsql-state/pgsql-state.conf")[.posixPermissions] as? Int
        #expect(configMode == 0o640)

        // The binary as built, executable; it reports the version Version.swift holds.
        let installedBinary = destdir + prefix + "/bin/pgsql-state"
        #expect(FileManager.default.contentsEqual(atPath: installedBinary, andPath: binary))
        #expect(FileManager.default.isExecutableFile(atPath: installedBinary))
        let version = try Shell.run(installedBinary, ["--version"])
        #expect(version.stdout == "pgsql-state \(Version.string)\n")

        // The man page carries the version; the placeholder is gone.
        let manPage = try String(contentsOfFile: destdir + prefix + "/share/man/man8/pgsql-state.8", encoding: .utf8)
        #expect(manPage.contains(".TH PGSQL\\-STATE 8 \"\" \"pgsql\\-state \(Version.string)\""))
        #expect(!manPage.contains("@VERSION@"))

        // Units: the shipped text with only the binary path rewritten.
        let installedPath = prefix + "/bin/pgsql-state"
        for unit in units {
            let installed = try String(contentsOfFile: destdir + prefix + "/lib/systemd/system/" + unit, encoding: .utf8)
            let shipped = try SourceTree.read("systemd/" + unit)
            #expect(installed == SourceTree.installedCopy(of: shipped, binary: installedPath, xinetd: false), "\(unit)")
            if unit.hasSuffix("@.service") {
                #expect(installed.contains("\nExecStart=\(installedPath) --config /etc/pgsql-state/pgsql-state.conf --format "), "\(unit)")
            }
        }
        // xinetd files: the binary path rewritten and disabled, nothing else changed.
        for service in xinetd {
            let installed = try String(contentsOfFile: destdir + "/etc/xinetd.d/" + service, encoding: .utf8)
            let shipped = try SourceTree.read("xinetd/" + service)
            #expect(installed == SourceTree.installedCopy(of: shipped, binary: installedPath, xinetd: true), "\(service)")
            #expect(installed.contains("\tdisable\t\t= yes\n"), "\(service)")
            #expect(!installed.contains("disable\t\t= no"), "\(service)")
            #expect(installed.contains("\tserver\t\t= \(installedPath)\n"), "\(service)")
            if prefix != "/usr/local" {
                #expect(!installed.contains(SourceTree.shippedBinaryPath), "\(service)")
            }
        }

        try Shell.make(["uninstall"] + variables)
        #expect(TemporaryDirectory.files(under: destdir) == [])
    }

    /// The operator's peers live in the config file: install keeps an existing one, uninstall keeps a changed one.
    @Test func anEditedConfigIsNeverOverwrittenNorRemoved() throws {
        let binary = try ReleaseBinary.path()
        let destdir = try TemporaryDirectory.make("destdir")
        defer { try? FileManager.default.removeItem(atPath: destdir) }
        let variables = ["DESTDIR=\(destdir)", "RELEASE_BIN=\(binary)"]
        let config = destdir + "/etc/pgsql-state/pgsql-state.conf"
        try Shell.make(["install"] + variables)
        let edited = "peer = host=192.0.2.12 port=5432\n"
        try edited.write(toFile: config, atomically: true, encoding: .utf8)
        try Shell.make(["install"] + variables)
        #expect(try String(contentsOfFile: config, encoding: .utf8) == edited)
        try Shell.make(["uninstall"] + variables)
        #expect(TemporaryDirectory.files(under: destdir) == ["etc/pgsql-state/pgsql-state.conf"])
    }

    /// The man page target fills in the version the same way.
    @Test func manTargetFillsInTheVersion() throws {
        try Shell.make(["man"])
        let page = try SourceTree.read(".build/man/pgsql-state.8")
        #expect(page.contains("\"pgsql\\-state \(Version.string)\""))
        #expect(!page.contains("@VERSION@"))
        #expect(try Shell.make(["-s", "version"]).stdout == Version.string + "\n")
    }
}

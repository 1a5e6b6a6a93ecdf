import PgsqlStateCore
import Testing

@Suite struct MaintenanceFileStateTests {
    @Test(arguments: [
        ("/etc/pgsql-state/maintenance", "/etc/pgsql-state"),
        ("/maintenance", "/"),
        ("maintenance", "."),
        ("run/maintenance", "run"),
        ("/var/lib//pgsql-state/", "/var/lib"),
        ("//x", "/"),
    ])
    func directoryThatMustExist(_ path: String, _ directory: String) {
        #expect(MaintenanceFileState.directory(of: path) == directory)
    }

    @Test func onlyAnAbsentFileIsNoMaintenance() {
        #expect(!MaintenanceFileState.absent.isMaintenance)
        #expect(MaintenanceFileState.present.isMaintenance)
        #expect(MaintenanceFileState.uncheckable(Errno(rawValue: 13)).isMaintenance)
    }
}

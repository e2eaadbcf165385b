import Foundation
import Logging
import Synchronization

/// Writes log lines (level, label, message, metadata) to one file, for the whole soak (the parent and
/// its `.process` children append to the same file).
struct FileLogHandler: LogHandler {
    final class Sink: Sendable {
        let log: HandlerLog
        init?(path: String) {
            guard let log = HandlerLog(path: path) else { return nil }
            self.log = log
        }
    }

    let sink: Sink
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let timestamp = Date().timeIntervalSince1970
        sink.log.append("\(String(format: "%.3f", timestamp)) \(event.level) [\(label)] \(event.message) \(rendered)")
    }
}

import Foundation

/// A date-time field of an update request that can be set to a date or cleared.
///
/// The API clears such fields (for example `Changeset.dueDate`) when it receives an empty string;
/// leaving the property `nil` keeps the stored value.
public enum DateUpdate: Codable, Hashable, Sendable {
    /// Sets the field to this date.
    case set(Date)
    /// Clears the field (sent as an empty string).
    case clear

    /// Decodes a date, or ``clear`` for an empty string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = DateUpdate(wireText: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Expected an RFC 3339 date-time or \"\", got \"\(text)\"")
        }
        self = value
    }

    /// Encodes the date with milliseconds, or an empty string for ``clear``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wireText)
    }

    /// The value from its wire form: `""` clears, anything else must be an RFC 3339 date-time.
    init?(wireText text: String) {
        if text.isEmpty {
            self = .clear
        } else if let date = CamundaJSON.parseDate(text) {
            self = .set(date)
        } else {
            return nil
        }
    }

    /// The wire form: the date as RFC 3339 with milliseconds in UTC, or `""` to clear.
    var wireText: String {
        switch self {
        case .set(let date): CamundaJSON.formatDate(date)
        case .clear: ""
        }
    }
}

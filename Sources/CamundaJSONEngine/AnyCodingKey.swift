/// (Part of the JSON engine: its decoder names `superDecoder()`'s key with it.)
/// A coding key for any string: used to read objects whose keys are not known up front.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    /// The key.
    public var stringValue: String
    /// Always `nil`: these keys are strings.
    public var intValue: Int? { nil }
    /// Creates a key.
    public init(_ stringValue: String) { self.stringValue = stringValue }
    /// Creates a key.
    public init?(stringValue: String) { self.stringValue = stringValue }
    /// Not supported: returns `nil`.
    public init?(intValue: Int) { nil }
}

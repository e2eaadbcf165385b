import CamundaAPI
import Foundation
import Testing

/// Dates in query strings, path segments and multipart parts go on the wire as the spec's `format: date-time`.
@Suite struct WireValues {
    @Test func aDateQueryValueIsRFC3339NotItsDescription() {
        let date = Date(timeIntervalSince1970: 1_749_302_055.027)
        #expect(OperationSupport.queryValue(date) == "2025-06-07T13:14:15.027Z")
        #expect(OperationSupport.queryValue(date) != date.description)
        // Other values keep their description.
        #expect(OperationSupport.queryValue(true) == "true")
        #expect(OperationSupport.queryValue(Int64(42)) == "42")
    }

    @Test func aDatePathSegmentIsRFC3339() {
        #expect(OperationSupport.pathSegment(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test func jsonEachAppendsOnePartPerItem() throws {
        var form = MultipartForm(boundary: "b")
        try form.append(name: "metadataList", jsonEach: [["fileName": "a.pdf"], ["fileName": "b.pdf"]])
        #expect(form.parts.map(\.name) == ["metadataList", "metadataList"])
        #expect(form.parts.map(\.contentType) == ["application/json", "application/json"])
        #expect(form.parts.map { String(decoding: $0.data, as: UTF8.self) } == [#"{"fileName":"a.pdf"}"#, #"{"fileName":"b.pdf"}"#])
    }
}

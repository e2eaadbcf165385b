import CamundaOrchestration
import Foundation

// Hand-written examples of the document operations.

extension DocumentExamples {
    /// Uploads two documents in one request, each with its metadata: `metadataList` is matched to
    /// `files` by position and goes on the wire as one JSON part per document.
    public static func createDocuments(_ client: CamundaClient) async throws {
        let files = [
            MultipartFile(fileName: "invoice.pdf", data: Data("%PDF-1.7".utf8), contentType: "application/pdf"),
            MultipartFile(fileName: "receipt.txt", data: Data("Paid in full".utf8), contentType: "text/plain"),
        ]
        let metadataList = [
            DocumentMetadata(
                contentType: "application/pdf", fileName: "invoice.pdf", expiresAt: Date().addingTimeInterval(7 * 86_400),
                customProperties: ["orderId": "A-1"]),
            DocumentMetadata(contentType: "text/plain", fileName: "receipt.txt"),
        ]
        let batch = try await client.createDocuments(files: files, metadataList: metadataList)
        print("Uploaded \(batch.createdDocuments.count) documents, \(batch.failedDocuments.count) failed")
    }
}

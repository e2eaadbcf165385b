import CamundaAPI
import Foundation
import Testing

@testable import CamundaTesting

@Suite("Embedded gateway: parsers")
struct ParserTests {
    @Test("The BPMN scanner finds processes and job-based tasks in order, skipping comments")
    func bpmnScanner() {
        let processes = BPMNScanner.processes(in: sampleBPMN)
        #expect(processes.map(\.id) == ["order-process"])
        #expect(processes.first?.name == "Order process")
        #expect(processes.first?.tasks.map(\.elementId) == ["charge", "ship"])
        #expect(processes.first?.tasks.map(\.type) == ["payment", "shipping"])
        #expect(processes.first?.tasks.first?.headers == ["currency": "EUR"])
    }

    @Test("Processes without a namespace prefix and several per document")
    func bpmnWithoutPrefix() {
        let xml = """
            <definitions><process id="a"><serviceTask id="t1"><extensionElements><taskDefinition type="x"/></extensionElements></serviceTask></process>
            <process id="b" /></definitions>
            """
        let processes = BPMNScanner.processes(in: xml)
        #expect(processes.map(\.id) == ["a", "b"])
        #expect(processes.first?.tasks.map(\.type) == ["x"])
    }

    @Test("The multipart parser reads what MultipartForm writes")
    func multipartRoundTrip() throws {
        var form = MultipartForm(boundary: "b-123")
        form.append(name: "resources", file: MultipartFile(fileName: "a \"quoted\".bpmn", data: Data("<xml/>\r\n--b-12".utf8)))
        form.append(name: "tenantId", text: "t1")
        let boundary = try #require(MultipartParser.boundary(fromContentType: form.contentType))
        #expect(boundary == "b-123")
        let parts = try #require(MultipartParser.parse(Array(form.encoded()), boundary: boundary))
        #expect(parts.map(\.name) == ["resources", "tenantId"])
        #expect(parts[0].fileName == "a \"quoted\".bpmn")
        #expect(parts[0].data == Data("<xml/>\r\n--b-12".utf8))
        #expect(parts[1].data == Data("t1".utf8))
    }

    @Test("Cursors round-trip and the like-operator matches wildcards")
    func search() {
        #expect(SearchSupport.key(fromCursor: SearchSupport.cursor(for: 2_251_799_813_685_249)) == 2_251_799_813_685_249)
        #expect(SearchSupport.key(fromCursor: "garbage") == nil)
        #expect(SearchSupport.like("payment-service", "pay*"))
        #expect(SearchSupport.like("abc", "a?c"))
        #expect(!SearchSupport.like("abc", "a?d"))
    }

    @Test("The timer heap pops in deadline order")
    func heap() {
        var heap = DeadlineHeap()
        for deadline: Int64 in [5, 1, 4, 2, 3] { heap.push(.init(deadline: deadline, key: deadline, generation: 0)) }
        var popped: [Int64] = []
        while let entry = heap.popMin() { popped.append(entry.deadline) }
        #expect(popped == [1, 2, 3, 4, 5])
    }
}

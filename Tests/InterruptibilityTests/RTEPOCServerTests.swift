import AdapterKit
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import EnergyRTEPOC
import Testing

/// The simulator answers as the seed says, over real HTTPS with a client certificate.
@Suite struct RTEPOCServerTests {
    @Test(.timeLimit(.minutes(1))) func theSeedsAnswersForValidMissingInvalidAndFailedReports() async throws {
        let pki = try RTETestBed.certificates()
        let server = try RTEPOCServer(settings: RTETestBed.settings(pki, database: pki.appendingPathComponent("poc.sqlite").path))
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(pki.appendingPathComponent("client.pem").path).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: pki.appendingPathComponent("client.key").path, format: .pem))
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.appendingPathComponent("ca.pem").path))
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var answers: [(UInt, String)] = []
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            let (port, group) = try await RTETestBed.start(server, in: &tasks)
            func post(_ body: String, contentType: String? = "application/json") async throws -> (UInt, String) {
                var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)/api/data")
                request.method = .POST
                if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
                request.body = .bytes(ByteBuffer(string: body))
                let response = try await client.execute(request, timeout: .seconds(5))
                return (response.status.code, String(buffer: try await response.body.collect(upTo: 1 << 16)))
            }
            answers.append(try await post(#"{"id": "c_s", "timestamp": "2017-07-21T17:32:28Z", "power": 100.5, "state": false, "available": false, "frequency": 49.99}"#))
            answers.append(try await post(#"{"id": "c_s", "power": 1}"#))
            answers.append(try await post(#"{"id": "c_s", "timestamp": "2017-07-21T17:32:28Z", "power": -1, "state": false, "available": true}"#))
            answers.append(try await post(#"{"id": "c_s", "timestamp": "2017-07-21T19:32:28+02:00", "power": 1, "state": false, "available": true}"#))
            answers.append(try await post(#"{"id": "c_s", "timestamp": "2017-07-21T17:32:28Z", "power": 1, "state": "no", "available": true}"#))
            answers.append(try await post("not json"))
            answers.append(try await post(#"{"id": "c_s", "timestamp": "2017-07-21T17:32:28Z", "power": 1, "state": false, "available": true}"#, contentType: nil))
            server.faults.failNext(1)
            answers.append(try await post(#"{"id": "c_s", "timestamp": "2017-07-21T17:32:30Z", "power": 1, "state": false, "available": true}"#))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await client.shutdown()
        #expect(answers[0].0 == 200 && answers[0].1.contains("Données reçues, validées et sauvegardées avec succès."))
        #expect(answers[1].0 == 400 && answers[1].1.contains("Données manquantes. 'id', 'timestamp', 'power', 'state', et 'available' sont requis."))
        #expect(answers[2].0 == 400 && answers[2].1.contains("'power' doit être un nombre positif"))
        #expect(answers[3].0 == 400 && answers[3].1.contains("'timestamp' doit être une date-heure UTC"))
        #expect(answers[4].0 == 400 && answers[4].1.contains("'state' doit être un booléen"))
        #expect(answers[5].0 == 400 && answers[5].1.contains("objet JSON"))
        #expect(answers[6].0 == 400 && answers[6].1.contains("Content-Type"))
        #expect(answers[7].0 == 500 && answers[7].1.contains("Une erreur interne est survenue sur le serveur."))
        let stored = try server.store.entries().map(\.report)
        #expect(stored == [RTEReport(id: "c_s", timestamp: "2017-07-21T17:32:28Z", power: 100.5, state: false, available: false, frequency: 49.99)])
    }
}

import NIOCore
import NIOSSL

extension CamundaClient {
    /// The client TLS configuration: the system's trust roots unless a CA file is given, and a client
    /// certificate for mutual TLS when one is given. Files are read now, so errors show at construction.
    static func makeTLSConfiguration(_ tls: CamundaConfiguration.TLS) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let path = tls.trustRootsPath {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            } catch {
                throw CamundaConfigurationError(
                    variable: ConfigurationVariable.mtlsCAPath.name,
                    reason: "cannot read PEM certificates from \(path): \(error)")
            }
        }
        if let certificatePath = tls.certificatePath, let keyPath = tls.privateKeyPath {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
                guard !chain.isEmpty else { throw CamundaConfigurationError(variable: nil, reason: "no certificate in file") }
                configuration.certificateChain = chain.map { .certificate($0) }
            } catch {
                throw CamundaConfigurationError(
                    variable: ConfigurationVariable.mtlsCertPath.name,
                    reason: "cannot read a PEM certificate from \(certificatePath): \(error)")
            }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
            } catch {
                throw CamundaConfigurationError(
                    variable: ConfigurationVariable.mtlsKeyPath.name,
                    reason: "cannot read a PEM private key from \(keyPath)")
            }
        }
        return configuration
    }
}

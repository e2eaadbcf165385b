// `Logger` is part of the client's public API (`CamundaClient(logger:)`, `client.logger`, job contexts'
// `log`), so `import CamundaOrchestration` alone is enough to create and use one.
@_exported import Logging

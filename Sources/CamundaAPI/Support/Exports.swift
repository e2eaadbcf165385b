// The JSON engine (parser, node tree, decoder, encoder) is a target of its own; its public types
// (`JSONValue`, `JSONObject`, `CamundaJSON`, `AnyCodingKey`) are part of this module's API.
@_exported import CamundaJSONEngine

@_exported import CamundaAPI

// camunda-soak: chaos soak of the job workers against camunda-test-gateway (work in progress).
print("camunda-soak: not implemented yet")

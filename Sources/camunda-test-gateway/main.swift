print("camunda-test-gateway")

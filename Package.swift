// swift-tools-version:6.1
import PackageDescription

/// What the benchmark and soak executables use to drive a gateway over HTTP themselves.
let httpToolDependencies: [Target.Dependency] = [
    .product(name: "AsyncHTTPClient", package: "async-http-client"),
    .product(name: "HTTPTypes", package: "swift-http-types"),
    .product(name: "Logging", package: "swift-log"),
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOFoundationCompat", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
]

let package = Package(
    name: "camunda-swift-sdk",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CamundaOrchestration", targets: ["CamundaOrchestration"]),
        .library(name: "CamundaAPI", targets: ["CamundaAPI"]),
        .library(name: "CamundaTesting", targets: ["CamundaTesting"]),
        .executable(name: "camunda-generate", targets: ["camunda-generate"]),
        .executable(name: "camunda-demo", targets: ["camunda-demo"]),
        .executable(name: "camunda-test-gateway", targets: ["camunda-test-gateway"]),
        .executable(name: "camunda-bench", targets: ["camunda-bench"]),
        .executable(name: "camunda-soak", targets: ["camunda-soak"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // MARK: Generator
        .systemLibrary(
            name: "CYAML",
            path: "Generator/CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "GeneratorCore", dependencies: ["CYAML"], path: "Generator/GeneratorCore"),
        .executableTarget(
            name: "camunda-generate",
            dependencies: ["GeneratorCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Generator/camunda-generate"
        ),

        // MARK: SDK
        // The JSON engine: parser, node tree, decoder, tree encoder, `JSONValue`, `CamundaJSON` and the
        // fast-path protocols the generated code conforms to. Internal (not a product); `CamundaAPI`
        // re-exports its public types.
        .target(name: "CamundaJSONEngine", path: "Sources/CamundaJSONEngine"),
        .target(name: "CamundaAPI", dependencies: ["CamundaJSONEngine"], path: "Sources/CamundaAPI"),
        .target(
            name: "CamundaOrchestration",
            dependencies: [
                "CamundaAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "CamundaTesting",
            dependencies: [
                "CamundaAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "camunda-demo",
            dependencies: ["CamundaOrchestration", "CamundaTesting"]
        ),
        .executableTarget(
            name: "camunda-test-gateway",
            dependencies: ["CamundaTesting"]
        ),
        .executableTarget(
            name: "camunda-bench",
            dependencies: [
                "CamundaOrchestration", "CamundaTesting", "GeneratorCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
            ] + httpToolDependencies
        ),
        .executableTarget(name: "camunda-soak", dependencies: ["CamundaOrchestration", "CamundaTesting"] + httpToolDependencies),

        // MARK: Tests
        .testTarget(name: "GeneratorCoreTests", dependencies: ["GeneratorCore", "FuzzSupport"], exclude: ["Fixtures"]),
        .target(name: "FuzzSupport", path: "Tests/FuzzSupport"),
        .testTarget(name: "CamundaAPITests", dependencies: ["CamundaAPI", "GeneratorCore", "FuzzSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CamundaTestingTests", dependencies: ["CamundaTesting", "CamundaAPI"]),
        .testTarget(
            name: "CamundaOrchestrationTests",
            dependencies: [
                "CamundaOrchestration", "CamundaTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // MARK: Examples
        .target(name: "OperationExamples", dependencies: ["CamundaOrchestration"], path: "Examples/OperationExamples"),
        .target(
            name: "ExampleSupport",
            dependencies: ["CamundaOrchestration", "CamundaTesting", .product(name: "Logging", package: "swift-log")],
            path: "Examples/ExampleSupport"
        ),
        .executableTarget(
            name: "example-deploy-and-start",
            dependencies: ["ExampleSupport", "CamundaOrchestration"],
            path: "Examples/DeployAndStart",
            resources: [.copy("order-process.bpmn")]
        ),
        .executableTarget(
            name: "example-order-workers", dependencies: ["ExampleSupport", "CamundaOrchestration", "CamundaTesting"],
            path: "Examples/OrderWorkers"
        ),
        .executableTarget(
            name: "example-user-task-listener", dependencies: ["ExampleSupport", "CamundaOrchestration", "CamundaTesting"],
            path: "Examples/UserTaskListener"
        ),
        .executableTarget(
            name: "example-service-lifecycle",
            dependencies: [
                "ExampleSupport", "CamundaOrchestration", "CamundaTesting", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Examples/ServiceLifecycleWorker"
        ),
        .testTarget(
            name: "ExamplesTests",
            dependencies: [
                "OperationExamples", "ExampleSupport", "CamundaOrchestration", "CamundaTesting", "GeneratorCore", "FuzzSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}

// swift-tools-version: 6.1
import PackageDescription

// The module graph is the pipeline:
// CICU → OpastinText → OpastinKnowledge → OpastinMatch → OpastinChat → OpastinServer → opastin
let package = Package(
    name: "Opastin",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "opastin", targets: ["opastin"]),
        // For the fuzzing package in Fuzz/, which builds the request path with libFuzzer.
        .library(name: "OpastinChat", targets: ["OpastinChat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // ICU behind a small plain-C API; ICU headers appear only in its .c files.
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),
        // A cache prefetch hint for the scoring loops of the index and the language model.
        .target(name: "CPrefetch"),
        // The reply writer's scan for bytes a JSON string must escape, sixteen at a time.
        .target(name: "CByteScan"),
        .target(name: "OpastinText", dependencies: ["CICU", "CPrefetch"]),
        .target(
            name: "OpastinKnowledge",
            dependencies: ["OpastinText", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "OpastinMatch", dependencies: ["OpastinText", "OpastinKnowledge", "CPrefetch"]),
        .target(name: "OpastinChat", dependencies: ["OpastinText", "OpastinKnowledge", "OpastinMatch", "CByteScan"]),
        .target(
            name: "OpastinServer",
            dependencies: [
                "OpastinChat", "OpastinKnowledge",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "opastin",
            dependencies: [
                "OpastinChat", "OpastinKnowledge", "OpastinMatch", "OpastinText", "OpastinServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // A release binary carries the Swift runtime and Foundation inside it: it runs on a
            // machine without the toolchain, and the server's resident memory measured 5 MiB
            // less than with the shared libraries (whose relocated pages each process dirties).
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "opastin-bench",
            dependencies: ["OpastinChat", "OpastinKnowledge", "OpastinMatch", "OpastinText"],
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]
        ),
        .testTarget(name: "CICUTests", dependencies: ["CICU"]),
        .testTarget(name: "OpastinTextTests", dependencies: ["OpastinText"]),
        .testTarget(name: "OpastinKnowledgeTests", dependencies: ["OpastinKnowledge"]),
        .testTarget(name: "OpastinMatchTests", dependencies: ["OpastinMatch", "OpastinKnowledge", "OpastinText"]),
        .testTarget(name: "OpastinChatTests", dependencies: ["OpastinChat", "OpastinKnowledge", "OpastinMatch", "OpastinText", "CByteScan"]),
        .testTarget(name: "OpastinServerTests", dependencies: ["OpastinServer", "OpastinChat"]),
        .testTarget(name: "OpastinEndToEndTests", dependencies: ["opastin"]),
    ]
)

// The text pipeline and index run hot loops at start-up (training, indexing thousands of
// examples): optimise them even in debug builds, so tests that start the binary stay fast.
let optimisedInDebug: Set<String> = ["OpastinText", "OpastinKnowledge", "OpastinMatch", "OpastinChat"]

for target in package.targets where !["CICU", "CPrefetch", "CByteScan"].contains(target.name) {
    var settings = target.swiftSettings ?? []
    if optimisedInDebug.contains(target.name) {
        settings.append(.unsafeFlags(["-O"], .when(configuration: .debug)))
    }
    // Compiled for the statically linked release binary (see `opastin`'s linker settings):
    // the objects then name the static libraries Foundation needs.
    settings.append(.unsafeFlags(["-static-stdlib"], .when(configuration: .release)))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}

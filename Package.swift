// swift-tools-version: 6.1
import PackageDescription

// The module graph is the pipeline:
// CICU → OpastinText → OpastinKnowledge → OpastinMatch → OpastinChat → opastin
let package = Package(
    name: "Opastin",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "opastin", targets: ["opastin"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // ICU behind a small plain-C API; ICU headers appear only in its .c files.
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),
        .target(name: "OpastinText", dependencies: ["CICU"]),
        .target(
            name: "OpastinKnowledge",
            dependencies: ["OpastinText", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "OpastinMatch", dependencies: ["OpastinText", "OpastinKnowledge"]),
        .target(name: "OpastinChat", dependencies: ["OpastinText", "OpastinKnowledge", "OpastinMatch"]),
        .executableTarget(
            name: "opastin",
            dependencies: [
                "OpastinChat", "OpastinKnowledge", "OpastinMatch", "OpastinText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "opastin-bench",
            dependencies: ["OpastinChat", "OpastinKnowledge", "OpastinMatch", "OpastinText"]
        ),
        .testTarget(name: "CICUTests", dependencies: ["CICU"]),
        .testTarget(name: "OpastinTextTests", dependencies: ["OpastinText"]),
        .testTarget(name: "OpastinKnowledgeTests", dependencies: ["OpastinKnowledge"]),
        .testTarget(name: "OpastinMatchTests", dependencies: ["OpastinMatch", "OpastinKnowledge", "OpastinText"]),
        .testTarget(name: "OpastinChatTests", dependencies: ["OpastinChat", "OpastinKnowledge", "OpastinMatch"]),
        .testTarget(name: "OpastinEndToEndTests", dependencies: ["opastin"]),
    ]
)

for target in package.targets where target.name != "CICU" {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}

// swift-tools-version: 6.1
import Foundation
import PackageDescription

// A path dependency is named after its folder: the clone's, whatever it is called.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// libFuzzer on the request path: one request line in, through the protocol decoder, the
// engine and the reply writer, as `chat --json` and the server answer it. Apart from the
// main package so that its flags (-sanitize=fuzzer, -parse-as-library) touch no other build.
//
//   cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -static-stdlib
//   mkdir -p corpus && OPASTIN_ROOT=.. .build/release/opastin-fuzz corpus seeds -max_total_time=600
let package = Package(
    name: "OpastinFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "opastin-fuzz", dependencies: [.product(name: "OpastinChat", package: mainPackage)])
    ]
)

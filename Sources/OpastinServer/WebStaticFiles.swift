import Foundation

/// The widget's static files, served from the fixed names below only: a request path is
/// never joined to the folder, so no path can reach outside it.
struct WebStaticFiles: Sendable {
    /// One servable file.
    struct File: Sendable, Equatable {
        let name: String
        let contentType: String
    }

    /// Request path → file in the folder.
    static let routes: [String: File] = [
        "/": File(name: "index.html", contentType: "text/html; charset=utf-8"),
        "/index.html": File(name: "index.html", contentType: "text/html; charset=utf-8"),
        "/widget.js": File(name: "widget.js", contentType: "text/javascript; charset=utf-8"),
        "/widget.css": File(name: "widget.css", contentType: "text/css; charset=utf-8"),
        "/embed.js": File(name: "embed.js", contentType: "text/javascript; charset=utf-8"),
    ]

    /// The `Web/` folder.
    let folder: URL

    /// The file for a request target (query string ignored), or nil: 404.
    static func route(for uri: String) -> File? {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return routes[path]
    }

    /// The file's bytes, read now (so edits show without a restart), or nil when missing.
    func contents(of file: File) -> [UInt8]? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(file.name, isDirectory: false)) else {
            return nil
        }
        return [UInt8](data)
    }
}

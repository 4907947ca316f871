import ArgumentParser

@main
struct Opastin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Opastin: a multilingual service-guidance chat for residents who moved to Finland.",
        subcommands: [Chat.self, Check.self, Examples.self, Evaluate.self, Identify.self, Serve.self, PrepareEngine.self],
        defaultSubcommand: Chat.self)
}

/// The folder with Knowledge/ and Locales/, shared by every subcommand.
struct KnowledgeOptions: ParsableArguments {
    @Option(name: .customLong("root"), help: "Folder holding Knowledge/ and Locales/ (default: the working directory, or the project folder of the binary).")
    var root: String?
}

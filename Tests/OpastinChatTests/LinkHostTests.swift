@testable import OpastinChat
import Testing

/// The host a reply's link is told apart by (a link belongs to a city when its host names it).
@Suite struct LinkHostTests {
    @Test(arguments: [
        ("https://www.Vaasa.fi/asuminen", "www.vaasa.fi"),
        ("https://www.helsinkikanava.fi", "www.helsinkikanava.fi"),
        ("http://example.org?page=vaasa", "example.org"),
        ("https://infofinland.fi/#vaasa", "infofinland.fi"),
        ("www.hel.fi/fi/vaasa", "www.hel.fi"),
    ])
    func hostIsCutOutOfTheLink(link: String, host: String) {
        #expect(ChatEngine.host(of: link) == host)
    }
}

import OpastinText
import Testing

/// The open-addressing table the index and the language model look features up in.
@Suite struct FeatureTableTests {
    @Test func findsEveryKeyAndNothingElse() {
        // Keys that share low bits (multiples of 2^20) would all collide in a table indexed by
        // the low bits; the table must still find each one.
        let keys = (1...5_000).map { UInt64($0) << 20 } + (1...5_000).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        let table = FeatureTable(keys.enumerated().map { ($0.element, Int32($0.offset)) })
        #expect(table.count == keys.count)
        for (row, key) in keys.enumerated() {
            #expect(table[key] == Int32(row))
        }
        for missing in [UInt64(0), 3, UInt64.max, (5_001 << 20)] {
            #expect(table[missing] == nil)
        }
        #expect(Set(table.entries.map(\.key)) == Set(keys))
    }

    @Test func keyZeroIsAKeyLikeAnyOther() {
        // Empty slots are marked by key 0, so the key 0 itself is stored apart.
        let table = FeatureTable<Int32>([(0, 7), (1, 8)])
        #expect(table[0] == 7)
        #expect(table[1] == 8)
        #expect(table[2] == nil)
        #expect(Set(table.entries.map(\.key)) == [0, 1])
        #expect(FeatureTable<Int32>([(0, 7)])[0] == 7)
    }

    @Test func emptyTableFindsNothing() {
        let table = FeatureTable<Int32>([])
        #expect(table[42] == nil)
        #expect(table.entries.isEmpty)
    }
}

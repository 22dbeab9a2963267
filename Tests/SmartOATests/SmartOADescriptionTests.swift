import AdapterKit
import EnergySmartOA
import Testing

@Suite struct SmartOADescriptionTests {
    @Test func typeNameIsTheLibraryName() {
        #expect(SmartOAAdapter.description.typeName == "SmartOA")
    }
}

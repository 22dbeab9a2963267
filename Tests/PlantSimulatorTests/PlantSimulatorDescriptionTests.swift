import AdapterKit
import EnergyPlantSimulator
import Testing

@Suite struct PlantSimulatorDescriptionTests {
    @Test func typeNameIsTheLibraryName() {
        #expect(PlantSimulatorAdapter.description.typeName == "PlantSimulator")
    }
}

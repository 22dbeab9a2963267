/// The Smart OA platform simulator (skeleton: being written).
public enum SmartOASimulator {}

import Foundation
import Testing
import PropertyBased
@testable import TrancheCore

@Suite struct RecalibrationTests {
    /// Defaults: σ_ref 0.0001/√s, depth_ref 2 000 000, band 1 % [0.25 %, 5 %],
    /// step 25 % [2 %, 50 %], capacity 5 000 000 [500 000, 50 000 000], stress [0.1, 10].
    static let r = try! Recalibrator()
    static let refDepth = Quote(e6: 2_000_000_000_000)

    @Test func referenceConditionsGiveTheBaseValues() {
        let t = Self.r.calibrate(volatility: 0.000_1, depthInBand: Self.refDepth)
        #expect(t.stress == 1)
        #expect(t.priceBand == Rate(ppm: 10_000))
        #expect(t.maxStepFraction == Rate(ppm: 250_000))
        #expect(t.breakerCapacity == Quote(e6: 5_000_000_000_000))
    }

    /// σ = 4 σ_ref at reference depth: stress 4, band 1 % × √4 = 2 %, step 25 % / 4 =
    /// 6.25 %, capacity unchanged (depth is).
    /// σ = σ_ref at half the depth: stress 2, band 1 % × √2 = 1.41421356…% → 14 142 ppm
    /// (rounded down), step 12.5 %, capacity 5 000 000 × ½ = 2 500 000.
    @Test func workedExamples() {
        let a = Self.r.calibrate(volatility: 0.000_4, depthInBand: Self.refDepth)
        #expect(a.stress == 4)
        #expect(a.priceBand == Rate(ppm: 20_000))
        #expect(a.maxStepFraction == Rate(ppm: 62_500))
        #expect(a.breakerCapacity == Quote(e6: 5_000_000_000_000))
        let b = Self.r.calibrate(volatility: 0.000_1, depthInBand: Quote(e6: 1_000_000_000_000))
        #expect(b.stress == 2)
        #expect(b.priceBand == Rate(ppm: 14_142))
        #expect(b.maxStepFraction == Rate(ppm: 125_000))
        #expect(b.breakerCapacity == Quote(e6: 2_500_000_000_000))
    }

    @Test func higherVolatilityWidensTheBandAndShrinksTheStep() {
        let calm = Self.r.calibrate(volatility: 0.000_1, depthInBand: Self.refDepth)
        let wild = Self.r.calibrate(volatility: 0.000_3, depthInBand: Self.refDepth)
        #expect(wild.priceBand > calm.priceBand)
        #expect(wild.maxStepFraction < calm.maxStepFraction)
        #expect(wild.breakerCapacity == calm.breakerCapacity)
    }

    @Test func lessDepthWidensTheBandShrinksTheStepAndTheCapacity() {
        let deep = Self.r.calibrate(volatility: 0.000_1, depthInBand: Self.refDepth)
        let thin = Self.r.calibrate(volatility: 0.000_1, depthInBand: Quote(e6: 700_000_000_000))
        #expect(thin.priceBand > deep.priceBand)
        #expect(thin.maxStepFraction < deep.maxStepFraction)
        #expect(thin.breakerCapacity < deep.breakerCapacity)
    }

    /// Inputs without information read as maximum stress (10): band 1 % × √10 = 3.1622…%
    /// → 31 622 ppm, step 25 % / 10 = 2.5 %; zero depth is minimum capacity.
    @Test func degenerateInputsAreReadSafely() {
        let p = RecalibrationParameters()
        for (vol, depth) in [(0.0, Quote.zero), (Double.nan, Self.refDepth), (.infinity, Self.refDepth), (-1, Self.refDepth), (0.000_1, Quote.zero)] {
            let t = Self.r.calibrate(volatility: vol, depthInBand: depth)
            #expect(t.stress == p.maxStress)
            #expect(t.priceBand == Rate(ppm: 31_622))
            #expect(t.maxStepFraction == Rate(ppm: 25_000))
        }
        #expect(Self.r.calibrate(volatility: 0.000_1, depthInBand: .zero).breakerCapacity == p.minCapacity)
        // Zero volatility with depth is the calmest market: minimum stress.
        #expect(Self.r.calibrate(volatility: 0, depthInBand: Self.refDepth).stress == p.minStress)
    }

    /// Over any inputs, including zero and negative depth, zero, huge, infinite and NaN
    /// volatility, every output lies within its bounds.
    @Test func boundsAlwaysHold() async {
        let p = RecalibrationParameters()
        let vols = Gen.double(in: 0...1).map { u -> Double in
            // Spread over many magnitudes, with the special values mixed in.
            let k = Int(u * 1_000)
            switch k % 10 {
            case 0: return 0
            case 1: return .infinity
            case 2: return .nan
            case 3: return -u
            case 4: return 1e300
            default: return u * u * u * 10
            }
        }
        await propertyCheck(count: 500, input: vols, Gen.int64(in: -1_000_000...Int64.max)) { vol, depthE6 in
            let t = Self.r.calibrate(volatility: vol, depthInBand: Quote(e6: depthE6))
            #expect(t.stress >= p.minStress && t.stress <= p.maxStress)
            #expect(t.priceBand >= p.minBand && t.priceBand <= p.maxBand)
            #expect(t.maxStepFraction >= p.minStepFraction && t.maxStepFraction <= p.maxStepFraction)
            #expect(t.breakerCapacity >= p.minCapacity && t.breakerCapacity <= p.maxCapacity)
        }
    }

    /// More volatility never narrows the band or grows the step; less depth never narrows
    /// the band, grows the step or raises the capacity.
    @Test func directionHoldsEverywhere() async {
        await propertyCheck(count: 500, input: Gen.double(in: 0...0.01), Gen.double(in: 0...0.01),
                            Gen.int64(in: 0...100_000_000_000_000), Gen.int64(in: 0...100_000_000_000_000)) { v1, v2, d1, d2 in
            let (lowVol, highVol) = (min(v1, v2), max(v1, v2))
            let (lowDepth, highDepth) = (Quote(e6: min(d1, d2)), Quote(e6: max(d1, d2)))
            let a = Self.r.calibrate(volatility: lowVol, depthInBand: highDepth)
            let b = Self.r.calibrate(volatility: highVol, depthInBand: highDepth)
            #expect(b.priceBand >= a.priceBand && b.maxStepFraction <= a.maxStepFraction)
            let c = Self.r.calibrate(volatility: lowVol, depthInBand: lowDepth)
            #expect(c.priceBand >= a.priceBand && c.maxStepFraction <= a.maxStepFraction)
            #expect(c.breakerCapacity <= a.breakerCapacity)
        }
    }

    @Test func parametersDecodeAndValidate() throws {
        let p = try JSONDecoder().decode(RecalibrationParameters.self, from: Data(#"{"baseBand": "0.02", "maxStress": 5}"#.utf8))
        #expect(p.baseBand == Rate(ppm: 20_000) && p.maxStress == 5 && p.minBand == RecalibrationParameters().minBand)
        try p.validate()
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RecalibrationParameters.self, from: Data(#"{"basBand": "0.02"}"#.utf8))
        }
    }

    @Test(arguments: [
        ("referenceVolatility", #"{"referenceVolatility": 0}"#),
        ("referenceDepth", #"{"referenceDepth": "0"}"#),
        ("baseBand", #"{"baseBand": "0.1"}"#),
        ("maxBand", #"{"maxBand": "1"}"#),
        ("minStepFraction", #"{"minStepFraction": "0.6"}"#),
        ("baseCapacity", #"{"baseCapacity": "1"}"#),
        ("minStress", #"{"minStress": 2}"#),
        ("maxStress", #"{"maxStress": 0.5}"#),
    ])
    func invalidParametersNameTheField(field: String, json: String) throws {
        let p = try JSONDecoder().decode(RecalibrationParameters.self, from: Data(json.utf8))
        do {
            try p.validate()
            Issue.record("expected \(field) to be rejected")
        } catch {
            #expect(error.field == "recalibration.\(field)")
        }
    }
}

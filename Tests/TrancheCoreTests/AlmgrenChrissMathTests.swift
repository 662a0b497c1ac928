import Foundation
import Testing
@testable import TrancheCore

/// The core's own elementary functions against the platform's libm.
@Suite struct AlmgrenChrissMathTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 4e-15) -> Bool {
        if a == b { return true }
        return abs(a - b) <= tolerance * max(abs(a), abs(b))
    }

    static let samples: [Double] = {
        var xs: [Double] = [0, 1e-300, 1e-12, 1e-6, 0.001, 0.1, 0.3466, 0.5, 0.6931471805599453, 1, 2, 3.7, 10, 21.9, 22, 50, 300, 700]
        var v = 1e-8
        while v < 700 { xs.append(v); v *= 1.37 }
        return xs + xs.map { -$0 }
    }()

    @Test func exponentials() {
        for x in Self.samples {
            #expect(Self.close(Elementary.exp(x), Foundation.exp(x)), "exp(\(x))")
            #expect(Self.close(Elementary.expm1(x), Foundation.expm1(x)), "expm1(\(x))")
            #expect(Self.close(Elementary.sinh(x), Foundation.sinh(x)), "sinh(\(x))")
            #expect(Self.close(Elementary.cosh(x), Foundation.cosh(x)), "cosh(\(x))")
            #expect(Self.close(Elementary.asinh(x), Foundation.asinh(x)), "asinh(\(x))")
        }
        #expect(Elementary.exp(800) == .infinity && Elementary.exp(-800) == 0)
        for k in -60...60 { #expect(Elementary.exp2(Double(k)) == Foundation.pow(2, Double(k))) }
        for y in [0.25, 0.5, 1.5, -0.75, -10.3] { #expect(Self.close(Elementary.exp2(y), Foundation.exp2(y))) }
    }

    @Test func logarithms() {
        for x in Self.samples where x > 0 {
            #expect(Self.close(Elementary.log(x), Foundation.log(x)), "log(\(x))")
        }
        for u in [1e-15, 1e-9, -1e-9, 0.01, -0.2, 0.24, 0.3, 5, 1e10] {
            #expect(Self.close(Elementary.log1p(u), Foundation.log1p(u)), "log1p(\(u))")
        }
        #expect(Elementary.log(0) == -.infinity && Elementary.log(-1).isNaN)
        #expect(Elementary.log(1) == 0)
    }
}

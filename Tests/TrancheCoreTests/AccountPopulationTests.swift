import Testing
@testable import TrancheCore

@Suite struct AccountPopulationTests {
    /// BTC at 20 000 and ETH at 1000, both with a 5 bp taker fee (so the leverage cap has
    /// to leave room for it).
    static func markets(fee: String = "0.0005") -> [MarketScenario] {
        var btc = Fixtures.btc()
        var eth = Fixtures.eth()
        btc.takerFeeRate = rate(fee)
        eth.takerFeeRate = rate(fee)
        return [MarketScenario(market: btc, initialPrice: px("20000"), path: .gbm(.init())),
                MarketScenario(market: eth, initialPrice: px("1000"), path: .gbm(.init()))]
    }

    static func population(count: Int = 10_000) -> AccountPopulation {
        var p = AccountPopulation()
        p.count = count
        p.collateralMin = q("100")
        p.collateralMax = q("200000")
        p.leverageMin = 2
        p.leverageMax = 60  // above every bracket's maximum: many accounts are capped
        p.longShare = 0.3
        p.isolatedShare = 0.2
        p.marketWeights = ["BTC-PERP": 3, "ETH-PERP": 1]
        p.firstAccountID = 1000
        return p
    }

    static func generate(_ p: AccountPopulation, _ markets: [MarketScenario] = markets(), seed: UInt64 = 42) throws -> [Account] {
        var rng = SeededGenerator(seed: seed)
        return try p.generate(markets: markets, rng: &rng)
    }

    /// The field a validation error names.
    static func failingField(_ p: AccountPopulation, _ markets: [MarketScenario] = markets()) -> String? {
        do { try p.validate(field: "accounts", markets: markets); return nil } catch { return error.field }
    }

    @Test func deterministicForASeed() throws {
        let p = Self.population(count: 500)
        let a = try Self.generate(p, seed: 7)
        let b = try Self.generate(p, seed: 7)
        let c = try Self.generate(p, seed: 8)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func countsAndSharesAsConfigured() throws {
        let p = Self.population()
        #expect(Self.failingField(p) == nil)
        let accounts = try Self.generate(p)
        #expect(accounts.count == 10_000)
        #expect(accounts.map(\.id) == (1000..<11_000).map { AccountID(UInt64($0)) })
        #expect(accounts.allSatisfy { $0.positions.count == 1 })
        let positions = accounts.map { $0.positions[0] }
        // Binomial with n = 10 000: a standard deviation is under 0.5 %; allow 2 %.
        let longs = Double(positions.filter { $0.size.isPositive }.count) / 10_000
        let isolated = Double(positions.filter { $0.mode == .isolated }.count) / 10_000
        let btc = Double(positions.filter { $0.market == "BTC-PERP" }.count) / 10_000
        #expect(abs(longs - 0.3) < 0.02, "long share \(longs)")
        #expect(abs(isolated - 0.2) < 0.02, "isolated share \(isolated)")
        #expect(abs(btc - 0.75) < 0.02, "BTC share \(btc)")
        for a in accounts {
            let position = a.positions[0]
            let held = try a.heldBalance()
            #expect(held >= q("100") && held <= q("200000"), "account \(a.id) holds \(held)")
            #expect(position.mode == .cross ? position.isolatedMargin == .zero : a.collateral == .zero)
            #expect(position.entryPrice == (position.market == "BTC-PERP" ? px("20000") : px("1000")))
        }
    }

    @Test func sizesAreOnTheStepGrid() throws {
        let markets = Self.markets()
        for a in try Self.generate(Self.population(count: 2000), markets) {
            let p = a.positions[0]
            let step = try #require(markets.first { $0.market.id == p.market }).market.stepSize
            #expect(!p.size.isZero)
            #expect(p.size.e8 % step.e8 == 0, "account \(a.id): \(p.size) off the step \(step)")
        }
    }

    /// Every generated account is what `Account.submit` accepts at the initial price: a
    /// fresh account with the same money, after the taker fee, opens the same position.
    /// Cross: collateral C, equity after the fee C − fee ≥ IMR × notional. Isolated: all of
    /// C but the fee moves into the position's margin, which must cover IMR × notional.
    @Test(arguments: [("100", "200000"), ("0.01", "0.5")])
    func everyAccountPassesTheInitialMarginCheck(collateralMin: String, collateralMax: String) throws {
        let markets = Self.markets()
        var p = Self.population(count: 3000)
        p.collateralMin = q(collateralMin)
        p.collateralMax = q(collateralMax)
        let specs = markets.map(\.market)
        for a in try Self.generate(p, markets) {
            let position = a.positions[0]
            let market = try #require(markets.first { $0.market.id == position.market })
            let ctx = MarginContext(markets: specs, marks: [position.market: market.initialPrice])
            let size = try position.size.magnitude()
            let fee = try size.notional(at: market.initialPrice, .up).times(market.market.takerFeeRate, .up)
            let money = try a.heldBalance()
            var fresh = Account(id: a.id)
            _ = try fresh.deposit(money)
            do {
                _ = try fresh.submit(market: position.market, side: position.side, size: size, entryPrice: market.initialPrice,
                                     mode: position.mode, isolatedMargin: position.mode == .isolated ? try money - fee : nil, context: ctx)
            } catch {
                Issue.record("account \(a.id) (\(money), \(position.size) \(position.market) \(position.mode)) refused: \(error)")
                continue
            }
            #expect(fresh.positions.map(\.size) == [position.size])
            #expect(fresh.positions.map(\.mode) == [position.mode])
        }
    }

    /// With collateral too small for one step (0.001 BTC at 20 000 = 20 of notional needs
    /// 0.4 + 0.01 fee), the account still gets one step and the collateral that step needs.
    @Test func oneStepAtLeastWithTheCollateralItNeeds() throws {
        var p = Self.population(count: 50)
        p.collateralMin = q("0.01")
        p.collateralMax = q("0.02")
        p.marketWeights = ["BTC-PERP": 1]
        for a in try Self.generate(p) {
            #expect(try a.positions[0].size.magnitude() == sz("0.001"))
            #expect(try a.heldBalance() == q("0.41"))
        }
    }

    @Test func explicitAccountsAreKept() throws {
        var p = Self.population(count: 20)
        p.firstAccountID = 100
        let whale = Account(id: AccountID(5), collateral: q("1000000"), positions: [Fixtures.short("40", at: "21000")])
        let idle = Account(id: AccountID(500), collateral: q("10"))
        p.explicit = [idle, whale]
        #expect(Self.failingField(p) == nil)
        let accounts = try Self.generate(p)
        #expect(accounts.count == 22)
        #expect(accounts.first == whale)
        #expect(accounts.last == idle)
        #expect(accounts.map(\.id) == accounts.map(\.id).sorted())
        // The generated ones are the same as without the explicit ones.
        var bare = p
        bare.explicit = []
        #expect(Array(accounts.dropFirst().dropLast()) == (try Self.generate(bare)))
    }

    @Test func validationNamesTheField() {
        let whale = Account(id: AccountID(5), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        var p = Self.population(count: 10)

        p.explicit = [whale, whale]
        #expect(Self.failingField(p) == "accounts.explicit[1].id")

        p.explicit = [Account(id: AccountID(5), collateral: q("1000"), positions: [Fixtures.long("1", at: "100", market: "SOL-PERP")])]
        #expect(Self.failingField(p) == "accounts.explicit[0].positions[0].market")

        p.explicit = [Account(id: AccountID(5), collateral: q("1000"), positions: [Fixtures.long("0.0005", at: "20000")])]
        #expect(Self.failingField(p) == "accounts.explicit[0].positions[0].size")

        p.explicit = [Account(id: AccountID(1005), collateral: q("1000"))]  // inside 1000…1009
        #expect(Self.failingField(p) == "accounts.firstAccountID")

        p.explicit = [Account(id: Backstop.accountID, collateral: q("1"))]
        #expect(Self.failingField(p) == "accounts.explicit[0].id")

        p.explicit = []
        p.firstAccountID = UInt64.max - 5
        #expect(Self.failingField(p) == "accounts.firstAccountID")

        p = Self.population(count: -1)
        #expect(Self.failingField(p) == "accounts.count")
        p = Self.population(count: 0)
        #expect(Self.failingField(p) == "accounts.count")

        p = Self.population(count: 10)
        p.collateralMax = q("1")
        #expect(Self.failingField(p) == "accounts.collateralMax")

        p = Self.population(count: 10)
        p.marketWeights = ["SOL-PERP": 1]
        #expect(Self.failingField(p) == "accounts.marketWeights.SOL-PERP")

        p = Self.population(count: 10)
        p.longShare = 1.5
        #expect(Self.failingField(p) == "accounts.longShare")

        var markets = Self.markets()
        markets[0].initialPrice = px("20000.05")  // tick 0.1
        #expect(Self.failingField(Self.population(count: 10), markets) == "markets[0].initialPrice")
    }
}

namespace fk {

// Fees: the ledger (append-only, like events), the balance cache its trigger keeps exact, plan
// enrolments, and the household people are grouped by on statements.
const char* migrationFees() {
  return R"sql(
-- The family a statement groups. The OneRoster work fills it from guardian links; it may be set by hand.
ALTER TABLE people ADD COLUMN household TEXT;
CREATE INDEX people_household ON people(household) WHERE household IS NOT NULL;

CREATE TABLE ledger (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id),
  kind TEXT NOT NULL CHECK (kind = 'charge' OR kind = 'payment' OR kind = 'waiver' OR kind = 'refund'),
  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),   -- the kind gives the sign
  reason TEXT NOT NULL,          -- charge: damage | lost | stolen | premium; others: payment | waiver | found
  basis TEXT,                    -- how an automatic amount was reached (the policy's words)
  method TEXT,                   -- payments: cash, check, card, online...
  reference TEXT,                -- receipt or check number
  note TEXT,
  school_year INTEGER,           -- incidents and premiums
  incident INTEGER,              -- 1 for the person's first incident of that school year
  plan TEXT,
  work_order_id INTEGER REFERENCES work_orders(id),
  checkout_id INTEGER REFERENCES checkouts(id),
  device_id INTEGER REFERENCES devices(id),
  -- What caused an automatic entry ("work_order:12", "loss:checkout:5", "found:checkout:5",
  -- "plan:7:2027"): UNIQUE, so a cause is charged once even when two requests race.
  cause TEXT UNIQUE,
  actor TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX ledger_person ON ledger(person_id, id);
CREATE INDEX ledger_incidents ON ledger(person_id, school_year) WHERE incident IS NOT NULL;

CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
  SELECT RAISE(ABORT, 'the ledger is append-only: a correction is a new entry');
END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
  SELECT RAISE(ABORT, 'the ledger is append-only: a correction is a new entry');
END;

-- The balance per person, kept by the trigger in the same statement as the entry, so it cannot drift
-- from the ledger; holds, the balances report and the metrics read it instead of summing every entry.
CREATE TABLE fee_balances (
  person_id INTEGER PRIMARY KEY REFERENCES people(id),
  balance_cents INTEGER NOT NULL
);
CREATE INDEX fee_balances_owed ON fee_balances(balance_cents) WHERE balance_cents > 0;
CREATE TRIGGER ledger_balance AFTER INSERT ON ledger
BEGIN
  INSERT INTO fee_balances (person_id, balance_cents)
    VALUES (NEW.person_id, CASE NEW.kind WHEN 'charge' THEN NEW.amount_cents ELSE -NEW.amount_cents END)
    ON CONFLICT (person_id) DO UPDATE SET balance_cents = balance_cents + excluded.balance_cents;
END;

CREATE TABLE fee_plan_enrolments (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id),
  school_year INTEGER NOT NULL,
  plan TEXT NOT NULL,
  premium_cents INTEGER NOT NULL,
  ledger_id INTEGER REFERENCES ledger(id),
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  UNIQUE (person_id, school_year)
);
)sql";
}

}  // namespace fk

-- A charge of the pgbench comparison: n is its number (ids and keys), amount its money, fee
-- the demo merchant's platform fee (100 bps, rounded half up, as MerchantStore seeds it).
\set n random(1, 900000000000000)
\set amount random(1000, 9999)
\set fee (:amount * 100 + 5000) / 10000

-- wrk script: every request creates an automatic-capture PaymentIntent with its own idempotency key and charge id.
local threads = {}
local counter = 0
setup = function(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
request = function()
  counter = counter + 1
  local id = tid .. "_" .. counter
  local headers = {}
  headers["Authorization"] = "Bearer sk_test_sim"
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Idempotency-Key"] = "wrk_" .. id
  return wrk.format("POST", "/v1/payment_intents", headers,
    "amount=4999&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Bcharge_id%5D=ch_wrk_" .. id)
end

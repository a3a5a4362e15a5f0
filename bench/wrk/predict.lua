-- wrk script: single-row POST /predict of one real client (the talk's features), with an API key.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "bench-key"
wrk.body = '[{"LIMIT_BAL":20000,"AGE":24,"PAY_0":2,"PAY_2":2,"PAY_3":-1,"BILL_AMT1":3913,"BILL_AMT2":3102,"PAY_AMT1":0,"SEX":2}]'

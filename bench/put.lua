-- wrk script: the PUT route with a Bearer key (from the KEY env variable).
wrk.method = "PUT"
wrk.body = '{"secret":"whsec_wrk_benchmark"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")

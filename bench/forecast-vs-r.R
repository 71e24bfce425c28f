# Exports monthly and quarterly series that ship with R, holds out the last season of each, and
# forecasts the training part with forecast::ets(), auto.arima() and snaive() (95% intervals).
# Called by bench/forecast-vs-r.ts: Rscript bench/forecast-vs-r.R OUT.json
suppressMessages({ library(forecast); library(jsonlite) })
out <- commandArgs(trailingOnly = TRUE)[1]
pick <- function(pkg, name, column = NULL) {
  e <- new.env()
  data(list = name, package = pkg, envir = e)
  x <- get(if (name == "UKLungDeaths") column else name, envir = e)
  if (!is.null(column) && name != "UKLungDeaths") x <- x[, column]
  x
}
# "primary": the set the issue measured; "holdout": a second set the method was not tuned on.
series <- list(
  list("primary", "datasets", "AirPassengers"), list("primary", "datasets", "JohnsonJohnson"),
  list("primary", "datasets", "UKgas"), list("primary", "datasets", "austres"),
  list("primary", "forecast", "woolyrnq"), list("primary", "forecast", "gas"),
  list("primary", "forecast", "wineind"), list("primary", "datasets", "co2"),
  list("primary", "datasets", "nottem"), list("primary", "datasets", "USAccDeaths"),
  list("primary", "datasets", "UKLungDeaths", "ldeaths"), list("primary", "datasets", "UKLungDeaths", "mdeaths"),
  list("primary", "datasets", "UKLungDeaths", "fdeaths"), list("primary", "datasets", "UKDriverDeaths"),
  list("primary", "datasets", "Seatbelts", "front"), list("primary", "datasets", "Seatbelts", "rear"),
  list("primary", "datasets", "Seatbelts", "VanKilled"),
  list("holdout", "AER", "UKNonDurables"), list("holdout", "AER", "DutchSales"),
  list("holdout", "AER", "USMacroG", "government"), list("holdout", "AER", "BondYield"),
  list("holdout", "AER", "USMacroG", "consumption"), list("holdout", "AER", "USMacroG", "invest"),
  list("holdout", "AER", "USMacroG", "gdp"), list("holdout", "AER", "GermanUnemployment", "unadjusted"),
  list("holdout", "AER", "FrozenJuice", "price"), list("holdout", "AER", "PepperPrice", "black"),
  list("holdout", "lmtest", "ip", "y"), list("holdout", "lmtest", "lhur", "y"),
  list("holdout", "tseries", "USeconomic", "log(GNP)"), list("holdout", "strucchange", "USIncExp", "expenditure"),
  list("holdout", "datasets", "Seatbelts", "kms"), list("holdout", "datasets", "Seatbelts", "PetrolPrice"),
  list("holdout", "AER", "USProdIndex", "unadjusted")
)
# Long series are cut to their last 20 years: the report sees business histories, not centuries.
MAX_YEARS <- 20
interval <- function(f) list(mean = as.numeric(f$mean), lower = as.numeric(f$lower[, 1]), upper = as.numeric(f$upper[, 1]))
results <- lapply(series, function(s) {
  name <- if (length(s) == 4) paste0(s[[3]], ".", s[[4]]) else s[[3]]
  if (s[[3]] == "UKLungDeaths") name <- s[[4]]
  x <- if (length(s) == 4) pick(s[[2]], s[[3]], s[[4]]) else pick(s[[2]], s[[3]])
  x <- na.omit(x)
  m <- frequency(x)
  if (length(x) > MAX_YEARS * m) x <- ts(tail(as.numeric(x), MAX_YEARS * m), end = end(x), frequency = m)
  h <- m
  train <- head(x, length(x) - h)
  test <- tail(as.numeric(x), h)
  started <- start(train)
  list(
    set = s[[1]], name = name, frequency = m, start = c(started[1], started[2]),
    train = as.numeric(train), test = test,
    ets = interval(forecast(ets(train), h = h, level = 95)),
    arima = interval(forecast(auto.arima(train), h = h, level = 95)),
    snaive = interval(snaive(train, h = h, level = 95))
  )
})
write_json(list(r = R.version.string, forecast = as.character(packageVersion("forecast")), series = results), out, digits = NA, auto_unbox = TRUE)

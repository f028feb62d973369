"""Seed catalogue, part 3: Automotive, Logistics, Energy, Agriculture, Sports, News and Media,
Smart Home, Government, Science, Security."""

CATALOGUE = {
    "Automotive": {
        "Vehicle Diagnostics": [
            (
                "read_diagnostic_codes",
                "Read active and pending OBD-II trouble codes from a connected vehicle.",
                {
                    "vehicle_id*": "str: Connected vehicle identifier",
                    "include_pending": "bool=true: Include pending codes",
                },
                {
                    "vehicle_id": "str: Vehicle identifier",
                    "codes": [
                        {
                            "code": "str: DTC, e.g. P0301",
                            "description": "str: Meaning",
                            "severity": "str{info|warning|critical}: Severity",
                            "status": "str{active|pending|permanent}: Code status",
                        }
                    ],
                    "mil_on": "bool: Check-engine light on",
                    "read_at": "datetime: Read time",
                },
            ),
            (
                "clear_diagnostic_codes",
                "Clear stored trouble codes and reset the check-engine light after a repair.",
                {
                    "vehicle_id*": "str: Connected vehicle identifier",
                    "confirm*": "bool: Must be true to clear",
                },
                {
                    "vehicle_id": "str: Vehicle identifier",
                    "cleared_count": "int[0,]: Codes cleared",
                    "readiness_monitors_reset": "bool: Emission monitors were reset",
                },
            ),
        ],
        "EV Charging": [
            (
                "find_charging_stations",
                "Find EV charging stations near a location by connector and power.",
                {
                    "latitude*": "num[-90,90]: Latitude",
                    "longitude*": "num[-180,180]: Longitude",
                    "radius_km": "num[0.5,100]=10: Search radius",
                    "connector": "str{CCS|CHAdeMO|Type2|NACS|J1772}: Connector type",
                    "min_power_kw": "int[3,350]: Minimum charger power",
                },
                {
                    "stations": [
                        {
                            "station_id": "str: Station identifier",
                            "name": "str: Name",
                            "operator": "str: Network operator",
                            "available_ports": "int[0,]: Free ports",
                            "max_power_kw": "int[0,]: Fastest charger",
                            "price_per_kwh?": "num[0,]: Price",
                            "distance_km": "num[0,]: Distance",
                        }
                    ]
                },
            ),
            (
                "start_charging_session",
                "Start a charging session on a charge point connector.",
                {
                    "station_id*": "str: Station identifier",
                    "connector_id*": "str: Connector on the charger",
                    "vehicle_id": "str: Vehicle to charge",
                    "target_soc_percent": "int[10,100]=80: Stop at this state of charge",
                },
                {
                    "session_id": "str: Charging session identifier",
                    "status": "str{starting|charging|failed}: Status",
                    "started_at": "datetime: Start time",
                },
            ),
            (
                "get_charging_session",
                "Get live energy delivered and cost of a charging session.",
                {"session_id*": "str: Charging session identifier"},
                {
                    "session_id": "str: Charging session identifier",
                    "status": "str{charging|completed|stopped}: Status",
                    "energy_kwh": "num[0,]: Energy delivered",
                    "current_soc_percent?": "int[0,100]: Battery level",
                    "cost": "num[0,]: Cost so far",
                },
            ),
        ],
        "Vehicle History": [
            (
                "get_vehicle_history_report",
                "Get a history report for a VIN: accidents, owners, "
                "title brands and odometer readings.",
                {"vin*": "str: 17-character vehicle identification number"},
                {
                    "vin": "str: VIN",
                    "year": "int: Model year",
                    "make": "str: Make",
                    "model": "str: Model",
                    "owner_count": "int[0,]: Previous owners",
                    "accidents": [
                        {"date": "date: Date", "severity": "str{minor|moderate|severe}: Damage"}
                    ],
                    "title_brands": "str[]: Title brands such as salvage",
                    "last_odometer_km": "int[0,]: Last recorded odometer",
                },
            ),
            (
                "decode_vin",
                "Decode a VIN into manufacturer, model and specification.",
                {"vin*": "str: 17-character vehicle identification number"},
                {
                    "vin": "str: VIN",
                    "make": "str: Make",
                    "model": "str: Model",
                    "year": "int: Model year",
                    "body_class": "str: Body style",
                    "engine": "str: Engine description",
                    "plant_country": "str: Assembly country",
                },
            ),
        ],
        "Parking": [
            (
                "find_parking",
                "Find parking garages and lots near a destination with prices for a time window.",
                {
                    "destination*": "str: Address or place",
                    "arrive_at*": "datetime: Arrival",
                    "leave_at*": "datetime: Departure",
                    "max_walk_minutes": "int[1,30]=10: Walking distance",
                },
                {
                    "options": [
                        {
                            "lot_id": "str: Parking lot identifier",
                            "name": "str: Name",
                            "total_price": "num[0,]: Price for the window",
                            "walk_minutes": "int[0,]: Walk",
                            "covered": "bool: Covered parking",
                        }
                    ]
                },
            ),
            (
                "reserve_parking_spot",
                "Reserve and prepay a parking spot.",
                {
                    "lot_id*": "str: Parking lot identifier",
                    "arrive_at*": "datetime: Arrival",
                    "leave_at*": "datetime: Departure",
                    "license_plate*": "str: Plate number",
                },
                {
                    "reservation_id": "str: Parking reservation identifier",
                    "access_code": "str: Gate code or QR payload",
                    "total_price": "num[0,]: Price paid",
                },
            ),
        ],
    },
    "Logistics": {
        "Shipment Tracking": [
            (
                "track_shipment",
                "Track a parcel by carrier and tracking number.",
                {
                    "tracking_number*": "str: Tracking number",
                    "carrier": "str{ups|fedex|dhl|usps|royal_mail}: Carrier; detected when omitted",
                },
                {
                    "tracking_number": "str: Tracking number",
                    "carrier": "str: Carrier",
                    "status": (
                        "str{label_created|in_transit|out_for_delivery|delivered|exception}: Status"
                    ),
                    "estimated_delivery?": "date: Expected delivery",
                    "events": [
                        {
                            "timestamp": "datetime: Event time",
                            "location": "str: Location",
                            "description": "str: Scan event",
                        }
                    ],
                },
            ),
            (
                "create_shipping_label",
                "Buy a shipping label for a parcel.",
                {
                    "carrier*": "str{ups|fedex|dhl|usps}: Carrier",
                    "service*": "str{ground|2day|overnight|international}: Service level",
                    "from_address*": "str: Sender address",
                    "to_address*": "str: Recipient address",
                    "weight_kg*": "num[0.01,70]: Weight",
                    "dimensions_cm": {
                        "_": "Parcel size",
                        "length*": "num[1,]: Length",
                        "width*": "num[1,]: Width",
                        "height*": "num[1,]: Height",
                    },
                },
                {
                    "tracking_number": "str: Tracking number",
                    "label_url": "uri: Printable label",
                    "cost": "num[0,]: Postage",
                    "estimated_delivery": "date: Expected delivery",
                },
            ),
        ],
        "Warehouse Inventory": [
            (
                "get_stock_level",
                "Get on-hand, reserved and available quantity of a SKU per warehouse.",
                {
                    "sku*": "str: Stock keeping unit",
                    "warehouse_id": "str: One warehouse; all when omitted",
                },
                {
                    "sku": "str: SKU",
                    "locations": [
                        {
                            "warehouse_id": "str: Warehouse",
                            "on_hand": "int[0,]: On hand",
                            "reserved": "int[0,]: Reserved",
                            "available": "int: Available to promise",
                            "bin?": "str: Bin location",
                        }
                    ],
                },
            ),
            (
                "adjust_inventory",
                "Adjust the on-hand quantity of a SKU after a count, damage or receipt.",
                {
                    "sku*": "str: SKU",
                    "warehouse_id*": "str: Warehouse",
                    "delta*": "int: Quantity change (negative to remove)",
                    "reason*": "str{cycle_count|damage|receipt|return|shrinkage}: Reason",
                    "reference": "str: PO or count sheet reference",
                },
                {
                    "adjustment_id": "str: Adjustment identifier",
                    "sku": "str: SKU",
                    "new_on_hand": "int[0,]: On hand after the change",
                },
            ),
            (
                "create_transfer_order",
                "Move stock between two warehouses.",
                {
                    "from_warehouse_id*": "str: Source",
                    "to_warehouse_id*": "str: Destination",
                    "lines*": [
                        {
                            "_": "SKUs and quantities to move",
                            "sku*": "str: SKU",
                            "quantity*": "int[1,]: Units",
                        }
                    ],
                    "ship_date": "date: Planned ship date",
                },
                {
                    "transfer_id": "str: Transfer order identifier",
                    "status": "str{open|picking}: Status",
                    "line_count": "int[1,]: Lines",
                },
            ),
        ],
        "Freight Quotes": [
            (
                "get_freight_quote",
                "Get LTL or FTL freight rate quotes between two locations.",
                {
                    "origin_zip*": "str: Origin ZIP",
                    "destination_zip*": "str: Destination ZIP",
                    "mode*": "str{ltl|ftl|intermodal}: Freight mode",
                    "weight_kg*": "num[1,30000]: Total weight",
                    "pallets": "int[1,30]: Pallet count",
                    "freight_class": "str{50|55|60|65|70|85|100|125|150|200}: NMFC class",
                    "pickup_date": "date: Pickup date",
                },
                {
                    "quotes": [
                        {
                            "quote_id": "str: Freight quote identifier",
                            "carrier": "str: Carrier",
                            "price": "num[0,]: Total rate",
                            "transit_days": "int[1,]: Transit time",
                            "valid_until": "date: Expiry",
                        }
                    ]
                },
            ),
            (
                "book_freight_shipment",
                "Book a freight pickup from a quote.",
                {
                    "quote_id*": "str: Freight quote identifier",
                    "pickup_window_start*": "datetime: Pickup window start",
                    "pickup_window_end*": "datetime: Pickup window end",
                    "shipper_contact*": "str: Contact name and phone",
                },
                {
                    "shipment_id": "str: Freight shipment identifier",
                    "bol_number": "str: Bill of lading number",
                    "pro_number?": "str: Carrier PRO number",
                    "status": "str{booked}: Status",
                },
            ),
        ],
        "Fleet Management": [
            (
                "get_vehicle_locations",
                "Get the latest GPS position and status of fleet vehicles.",
                {"fleet_id*": "str: Fleet identifier", "vehicle_ids": "str[]: Subset of vehicles"},
                {
                    "vehicles": [
                        {
                            "vehicle_id": "str: Vehicle identifier",
                            "latitude": "num[-90,90]: Latitude",
                            "longitude": "num[-180,180]: Longitude",
                            "speed_kph": "num[0,]: Speed",
                            "status": "str{moving|idle|stopped|offline}: Status",
                            "driver?": "str: Driver",
                            "updated_at": "datetime: Fix time",
                        }
                    ]
                },
            ),
            (
                "assign_route_to_driver",
                "Assign a delivery route with ordered stops to a driver.",
                {
                    "driver_id*": "str: Driver identifier",
                    "vehicle_id*": "str: Vehicle",
                    "date*": "date: Route date",
                    "stops*": [
                        {
                            "_": "Stops in visiting order",
                            "address*": "str: Stop address",
                            "time_window": "str: HH:MM-HH:MM window",
                        }
                    ],
                },
                {
                    "route_id": "str: Route identifier",
                    "total_distance_km": "num[0,]: Planned distance",
                    "estimated_duration_minutes": "int[0,]: Planned duration",
                },
            ),
        ],
    },
    "Energy": {
        "Smart Meters": [
            (
                "get_meter_readings",
                "Get interval consumption readings from a smart electricity meter.",
                {
                    "meter_id*": "str: Meter identifier (MPAN or ESI ID)",
                    "start*": "datetime: Range start",
                    "end*": "datetime: Range end",
                    "interval": "str{15min|30min|hour|day}=hour: Aggregation interval",
                },
                {
                    "meter_id": "str: Meter identifier",
                    "unit": "str{kWh}: Unit",
                    "readings": [
                        {
                            "timestamp": "datetime: Interval start",
                            "consumption": "num[0,]: Energy used",
                        }
                    ],
                    "total": "num[0,]: Total consumption",
                },
            ),
            (
                "submit_meter_reading",
                "Submit a manual meter reading for billing.",
                {
                    "account_id*": "str: Energy account",
                    "meter_id*": "str: Meter identifier",
                    "reading*": "num[0,]: Register value",
                    "read_on*": "date: Reading date",
                    "register": "str{single|day|night}=single: Register",
                },
                {
                    "reading_id": "str: Reading identifier",
                    "accepted": "bool: Whether it passed validation",
                    "estimated_bill?": "num[0,]: Estimated bill",
                },
            ),
        ],
        "Solar Production": [
            (
                "get_solar_production",
                "Get energy produced by a solar installation per day.",
                {
                    "site_id*": "str: Solar site identifier",
                    "start_date*": "date: First day",
                    "end_date*": "date: Last day",
                },
                {
                    "site_id": "str: Site identifier",
                    "days": [
                        {
                            "date": "date: Day",
                            "energy_kwh": "num[0,]: Energy produced",
                            "peak_power_kw": "num[0,]: Peak output",
                        }
                    ],
                    "total_kwh": "num[0,]: Total",
                    "co2_avoided_kg": "num[0,]: Avoided emissions",
                },
            ),
            (
                "estimate_solar_potential",
                "Estimate annual output and payback of a rooftop solar system.",
                {
                    "address*": "str: Property address",
                    "system_kw*": "num[0.5,100]: System size",
                    "tilt_degrees": "num[0,90]=25: Panel tilt",
                    "azimuth_degrees": "num[0,360]=180: Panel orientation",
                    "electricity_rate": "num[0,]: Price per kWh",
                },
                {
                    "annual_kwh": "num[0,]: Expected annual output",
                    "monthly_kwh": "num[]: Output per month",
                    "annual_savings": "num[0,]: Savings",
                    "payback_years?": "num[0,]: Payback period",
                },
            ),
        ],
        "Energy Prices": [
            (
                "get_electricity_spot_price",
                "Get day-ahead wholesale electricity prices per hour for a bidding zone.",
                {
                    "zone*": "str{DE-LU|FR|NL|ES|GB|PJM|ERCOT|CAISO}: Market bidding zone",
                    "date*": "date: Delivery day",
                },
                {
                    "zone": "str: Zone",
                    "currency": "str: Currency",
                    "prices": [
                        {
                            "hour_start": "datetime: Hour",
                            "price_per_mwh": "num: Price (may be negative)",
                        }
                    ],
                    "average": "num: Daily average",
                },
            ),
            (
                "compare_energy_tariffs",
                "Compare retail electricity and gas tariffs for an address and usage.",
                {
                    "postcode*": "str: Postcode",
                    "annual_kwh*": "int[100,100000]: Annual electricity use",
                    "annual_gas_kwh": "int[0,200000]: Annual gas use",
                    "green_only": "bool=false: Renewable tariffs only",
                },
                {
                    "tariffs": [
                        {
                            "tariff_id": "str: Tariff identifier",
                            "supplier": "str: Supplier",
                            "unit_rate": "num[0,]: Price per kWh",
                            "standing_charge": "num[0,]: Daily charge",
                            "annual_cost": "num[0,]: Estimated annual cost",
                            "renewable": "bool: Renewable tariff",
                        }
                    ]
                },
            ),
        ],
        "Grid Status": [
            (
                "get_grid_generation_mix",
                "Get the current electricity generation mix and carbon intensity of a grid region.",
                {"region*": "str: Grid region, e.g. CAISO or GB"},
                {
                    "region": "str: Region",
                    "timestamp": "datetime: Time",
                    "carbon_intensity_g_per_kwh": "num[0,]: Carbon intensity",
                    "mix": [
                        {
                            "source": (
                                "str{solar|wind|hydro|nuclear|gas|coal|biomass|imports}: Source"
                            ),
                            "share": "num[0,1]: Share of generation",
                        }
                    ],
                },
            ),
            (
                "list_power_outages",
                "List current power outages reported by a utility.",
                {"utility*": "str: Utility name", "zip_code": "str: Filter by ZIP code"},
                {
                    "outages": [
                        {
                            "outage_id": "str: Outage identifier",
                            "customers_affected": "int[0,]: Customers",
                            "cause?": "str: Cause",
                            "started_at": "datetime: Start",
                            "estimated_restoration?": "datetime: Estimated restoration",
                        }
                    ],
                    "total_customers_affected": "int[0,]: Total",
                },
            ),
        ],
    },
    "Agriculture": {
        "Crop Monitoring": [
            (
                "get_field_ndvi",
                "Get satellite NDVI vegetation index statistics for a field.",
                {
                    "field_id*": "str: Field identifier",
                    "date": "date: Image date; latest cloud-free when omitted",
                },
                {
                    "field_id": "str: Field identifier",
                    "image_date": "date: Image date",
                    "ndvi_mean": "num[-1,1]: Mean NDVI",
                    "ndvi_min": "num[-1,1]: Minimum",
                    "ndvi_max": "num[-1,1]: Maximum",
                    "cloud_cover_percent": "num[0,100]: Cloud cover",
                    "stressed_area_ha": "num[0,]: Area below healthy threshold",
                },
            ),
            (
                "report_crop_scouting",
                "Record a field scouting observation of pests, disease or growth stage.",
                {
                    "field_id*": "str: Field identifier",
                    "crop*": "str{corn|soybean|wheat|rice|cotton|potato}: Crop",
                    "growth_stage": "str: Growth stage, e.g. V6",
                    "issue": (
                        "str{none|pest|disease|weed|nutrient_deficiency|drought}=none: "
                        "Observed issue"
                    ),
                    "severity": "int[0,5]: Severity 0-5",
                    "notes": "str: Notes",
                },
                {
                    "observation_id": "str: Observation identifier",
                    "recommended_action?": "str: Suggested treatment",
                },
            ),
        ],
        "Soil Analysis": [
            (
                "submit_soil_sample",
                "Register a soil sample for laboratory analysis.",
                {
                    "field_id*": "str: Field identifier",
                    "depth_cm*": "int[0,200]: Sampling depth",
                    "collected_on*": "date: Collection date",
                    "tests": "str{ph|npk|organic_matter|micronutrients|texture}[]: Requested tests",
                },
                {
                    "sample_id": "str: Soil sample identifier",
                    "lab": "str: Laboratory",
                    "expected_results_by": "date: Expected result date",
                },
            ),
            (
                "get_soil_test_results",
                "Get laboratory results and fertiliser recommendations for a soil sample.",
                {
                    "sample_id*": "str: Soil sample identifier",
                    "target_crop": "str: Crop to plan for",
                },
                {
                    "sample_id": "str: Sample identifier",
                    "ph": "num[0,14]: Soil pH",
                    "organic_matter_percent": "num[0,100]: Organic matter",
                    "nutrients_ppm": {
                        "nitrogen": "num[0,]: N",
                        "phosphorus": "num[0,]: P",
                        "potassium": "num[0,]: K",
                    },
                    "recommendations": "str[]: Fertiliser recommendations",
                },
            ),
        ],
        "Livestock": [
            (
                "register_animal",
                "Register an animal in the herd book with its ear tag.",
                {
                    "ear_tag*": "str: Ear tag number",
                    "species*": "str{cattle|sheep|goat|pig}: Species",
                    "breed": "str: Breed",
                    "birth_date": "date: Birth date",
                    "sex*": "str{male|female}: Sex",
                    "dam_tag": "str: Mother's ear tag",
                },
                {
                    "animal_id": "str: Animal identifier",
                    "ear_tag": "str: Ear tag",
                    "registered_at": "datetime: Registration time",
                },
            ),
            (
                "log_animal_health_event",
                "Record a health event such as vaccination, treatment or weight check.",
                {
                    "animal_id*": "str: Animal identifier",
                    "event_type*": "str{vaccination|treatment|weight|pregnancy_check|death}: Event",
                    "date*": "date: Date",
                    "product": "str: Vaccine or drug",
                    "weight_kg": "num[0,2000]: Weight",
                    "withdrawal_days": "int[0,365]: Meat/milk withdrawal period",
                },
                {
                    "event_id": "str: Event identifier",
                    "withdrawal_until?": "date: End of withdrawal period",
                },
            ),
        ],
        "Irrigation": [
            (
                "get_irrigation_recommendation",
                "Recommend irrigation depth for a field from soil moisture and evapotranspiration.",
                {
                    "field_id*": "str: Field identifier",
                    "crop*": "str: Crop",
                    "date": "date: Day; today when omitted",
                },
                {
                    "field_id": "str: Field identifier",
                    "soil_moisture_percent": "num[0,100]: Volumetric soil moisture",
                    "et0_mm": "num[0,]: Reference evapotranspiration",
                    "recommended_mm": "num[0,]: Water to apply",
                    "irrigate": "bool: Whether to irrigate today",
                },
            ),
            (
                "schedule_irrigation",
                "Schedule an irrigation run on a zone's valve controller.",
                {
                    "zone_id*": "str: Irrigation zone",
                    "start_time*": "datetime: Start",
                    "duration_minutes*": "int[1,720]: Run time",
                    "repeat": "str{none|daily|every_other_day|weekly}=none: Repeat",
                },
                {
                    "schedule_id": "str: Irrigation schedule identifier",
                    "zone_id": "str: Zone",
                    "estimated_water_m3": "num[0,]: Expected water use",
                },
            ),
        ],
    },
    "Sports": {
        "Live Scores": [
            (
                "get_live_scores",
                "Get live and today's scores for a league.",
                {
                    "league*": (
                        "str{nba|nfl|mlb|nhl|epl|laliga|bundesliga|champions_league}: League"
                    ),
                    "date": "date: Day; today when omitted",
                },
                {
                    "games": [
                        {
                            "game_id": "str: Game identifier",
                            "home_team": "str: Home team",
                            "away_team": "str: Away team",
                            "home_score": "int[0,]: Home score",
                            "away_score": "int[0,]: Away score",
                            "status": "str{scheduled|in_progress|halftime|final|postponed}: Status",
                            "clock?": "str: Game clock or period",
                        }
                    ]
                },
            ),
            (
                "get_match_events",
                "Get the play-by-play events of a match: goals, cards and substitutions.",
                {
                    "game_id*": "str: Game identifier",
                    "event_types": "str{goal|card|substitution|penalty|var}[]: Event filter",
                },
                {
                    "game_id": "str: Game identifier",
                    "events": [
                        {
                            "minute": "int[0,130]: Match minute",
                            "type": "str: Event type",
                            "team": "str: Team",
                            "player": "str: Player",
                            "detail?": "str: Detail",
                        }
                    ],
                },
            ),
        ],
        "Player Statistics": [
            (
                "get_player_season_stats",
                "Get a player's statistics for a season.",
                {
                    "player_name*": "str: Player name",
                    "season*": "str: Season, e.g. 2024-25",
                    "league": "str: League",
                },
                {
                    "player_id": "str: Player identifier",
                    "team": "str: Team",
                    "games_played": "int[0,]: Games",
                    "stats": {
                        "_": "Per-season totals",
                        "points?": "num[0,]: Points",
                        "assists?": "num[0,]: Assists",
                        "rebounds?": "num[0,]: Rebounds",
                        "goals?": "int[0,]: Goals",
                        "minutes": "num[0,]: Minutes",
                    },
                },
            ),
            (
                "compare_players",
                "Compare two or more players on per-game statistics.",
                {
                    "player_ids*": "str[]: Player identifiers",
                    "season*": "str: Season",
                    "metrics": (
                        "str{points|assists|rebounds|goals|xg|shots|tackles}[]: Metrics to compare"
                    ),
                },
                {
                    "season": "str: Season",
                    "players": [
                        {
                            "player_id": "str: Player identifier",
                            "name": "str: Name",
                            "values": {
                                "points?": "num: Per game",
                                "assists?": "num: Per game",
                                "goals?": "num: Per game",
                            },
                        }
                    ],
                },
            ),
        ],
        "Fantasy Sports": [
            (
                "get_fantasy_projections",
                "Get projected fantasy points for players in a scoring week.",
                {
                    "sport*": "str{football|basketball|baseball|hockey}: Sport",
                    "week*": "int[1,25]: Scoring week",
                    "position": "str: Position filter, e.g. QB",
                    "scoring": "str{standard|ppr|half_ppr}=ppr: Scoring system",
                },
                {
                    "week": "int: Week",
                    "players": [
                        {
                            "player_id": "str: Player identifier",
                            "name": "str: Name",
                            "position": "str: Position",
                            "projected_points": "num[0,]: Projection",
                            "injury_status?": "str{questionable|doubtful|out}: Injury",
                        }
                    ],
                },
            ),
            (
                "set_fantasy_lineup",
                "Set the starting lineup of a fantasy team for a week.",
                {
                    "team_id*": "str: Fantasy team identifier",
                    "week*": "int[1,25]: Week",
                    "starters*": "str[]: Player identifiers to start",
                },
                {
                    "team_id": "str: Team",
                    "week": "int: Week",
                    "valid": "bool: Lineup respects roster rules",
                    "errors": "str[]: Problems such as an empty slot",
                },
            ),
            (
                "propose_fantasy_trade",
                "Propose a player trade to another team in the league.",
                {
                    "team_id*": "str: Proposing team",
                    "target_team_id*": "str: Receiving team",
                    "give_player_ids*": "str[]: Players offered",
                    "get_player_ids*": "str[]: Players requested",
                    "message": "str: Note",
                },
                {
                    "trade_id": "str: Trade identifier",
                    "status": "str{proposed}: Status",
                    "expires_at": "datetime: Offer expiry",
                },
            ),
        ],
        "Schedules": [
            (
                "get_team_schedule",
                "Get upcoming fixtures of a team.",
                {
                    "team*": "str: Team name",
                    "season": "str: Season",
                    "home_only": "bool=false: Home games only",
                },
                {
                    "team": "str: Team",
                    "fixtures": [
                        {
                            "game_id": "str: Game identifier",
                            "opponent": "str: Opponent",
                            "kickoff": "datetime: Start time",
                            "venue": "str: Venue",
                            "home": "bool: Home game",
                            "broadcast?": "str: TV channel",
                        }
                    ],
                },
            ),
            (
                "get_league_standings",
                "Get the league table with wins, losses and points.",
                {"league*": "str: League", "season": "str: Season; current when omitted"},
                {
                    "league": "str: League",
                    "standings": [
                        {
                            "rank": "int[1,]: Position",
                            "team": "str: Team",
                            "played": "int[0,]: Games",
                            "wins": "int[0,]: Wins",
                            "losses": "int[0,]: Losses",
                            "points": "int[0,]: Points",
                        }
                    ],
                },
            ),
        ],
    },
    "News and Media": {
        "Headlines": [
            (
                "get_top_headlines",
                "Get top headlines by country and category.",
                {
                    "country": "str{US|GB|DE|FR|IN|AU}=US: Country",
                    "category": (
                        "str{general|business|technology|sports|entertainment|health|science}: "
                        "Category"
                    ),
                    "page_size": "int[1,100]=20: Headlines",
                },
                {
                    "headlines": [
                        {
                            "title": "str: Headline",
                            "source": "str: Outlet",
                            "url": "uri: Article link",
                            "published_at": "datetime: Publication time",
                            "image_url?": "uri: Lead image",
                        }
                    ]
                },
            ),
            (
                "list_news_sources",
                "List news outlets available in a language and country.",
                {
                    "language": "str=en: Language",
                    "country": "str: Country code",
                    "category": "str: Category",
                },
                {
                    "sources": [
                        {
                            "source_id": "str: Source identifier",
                            "name": "str: Outlet name",
                            "url": "uri: Homepage",
                            "category": "str: Category",
                        }
                    ]
                },
            ),
        ],
        "Article Summaries": [
            (
                "summarize_article",
                "Summarise a news article from its URL in a chosen length.",
                {
                    "url*": "uri: Article URL",
                    "length": "str{short|medium|long}=short: Summary length",
                    "bullet_points": "bool=false: Return bullet points",
                },
                {
                    "title": "str: Article title",
                    "summary": "str: Summary",
                    "key_points": "str[]: Key points",
                    "reading_time_minutes": "int[0,]: Original reading time",
                },
            ),
            (
                "extract_article_entities",
                "Extract people, organisations and places mentioned in an article.",
                {"text*": "str: Article text", "language": "str=en: Language"},
                {
                    "entities": [
                        {
                            "name": "str: Entity",
                            "type": "str{person|organization|location|event}: Entity type",
                            "mentions": "int[1,]: Mentions",
                            "sentiment": "num[-1,1]: Sentiment",
                        }
                    ]
                },
            ),
        ],
        "Fact Checking": [
            (
                "check_claim",
                "Look up fact-checks of a claim from professional fact-checkers.",
                {
                    "claim*": "str: Claim text",
                    "language": "str=en: Language",
                    "max_age_days": "int[1,3650]: Only fact-checks this recent",
                },
                {
                    "claim_reviews": [
                        {
                            "publisher": "str: Fact-checker",
                            "rating": (
                                "str{true|mostly_true|mixed|mostly_false|false|unproven}: Verdict"
                            ),
                            "url": "uri: Review article",
                            "reviewed_on": "date: Review date",
                        }
                    ]
                },
            ),
            (
                "verify_image_origin",
                "Reverse-search an image to find its earliest known appearance online.",
                {"image_url*": "uri: Image to check"},
                {
                    "earliest_seen": "date: First known appearance",
                    "first_source_url?": "uri: Earliest page",
                    "matches": "int[0,]: Matching pages",
                    "likely_manipulated": "bool: Editing detected",
                },
            ),
        ],
        "Subscriptions": [
            (
                "create_subscription",
                "Subscribe a reader to a publication plan.",
                {
                    "email*": "email: Reader email",
                    "plan*": "str{digital_monthly|digital_annual|print_digital|student}: Plan",
                    "payment_method_id*": "str: Payment method",
                    "promo_code": "str: Promotion code",
                },
                {
                    "subscription_id": "str: Subscription identifier",
                    "status": "str{active|trialing}: Status",
                    "renews_on": "date: Next renewal",
                    "price": "num[0,]: Recurring price",
                },
            ),
            (
                "cancel_subscription",
                "Cancel a reader's subscription at period end or immediately.",
                {
                    "subscription_id*": "str: Subscription identifier",
                    "at_period_end": "bool=true: Keep access until the period ends",
                    "reason": "str{price|content|not_reading|switching|other}: Cancellation reason",
                },
                {
                    "subscription_id": "str: Subscription identifier",
                    "status": "str{canceled|pending_cancellation}: Status",
                    "access_until": "date: Last day of access",
                },
            ),
        ],
    },
    "Smart Home": {
        "Lighting": [
            (
                "set_light_state",
                "Turn a light on or off and set brightness and colour.",
                {
                    "light_id*": "str: Light or group identifier",
                    "on*": "bool: Power state",
                    "brightness_percent": "int[1,100]: Brightness",
                    "color_temp_k": "int[2000,6500]: White temperature",
                    "transition_s": "num[0,60]=0.4: Fade time",
                },
                {
                    "light_id": "str: Light identifier",
                    "on": "bool: Power state",
                    "brightness_percent?": "int[1,100]: Brightness",
                    "reachable": "bool: Device online",
                },
            ),
            (
                "activate_scene",
                "Activate a saved lighting scene in a room.",
                {
                    "room*": "str: Room name",
                    "scene*": "str{relax|read|concentrate|energize|nightlight|movie}: Scene",
                },
                {
                    "room": "str: Room",
                    "scene": "str: Scene",
                    "lights_updated": "int[0,]: Lights changed",
                },
            ),
        ],
        "Thermostats": [
            (
                "set_thermostat",
                "Set the target temperature and mode of a thermostat.",
                {
                    "thermostat_id*": "str: Thermostat identifier",
                    "mode": "str{heat|cool|auto|off|eco}: HVAC mode",
                    "target_c": "num[5,35]: Target temperature (°C)",
                    "hold_until": "datetime: Keep until this time, then resume the schedule",
                },
                {
                    "thermostat_id": "str: Thermostat identifier",
                    "mode": "str: Mode",
                    "target_c": "num: Target",
                    "current_c": "num: Current indoor temperature",
                },
            ),
            (
                "get_thermostat_history",
                "Get indoor temperature, humidity and runtime history of a thermostat.",
                {
                    "thermostat_id*": "str: Thermostat identifier",
                    "days": "int[1,30]=7: Days of history",
                },
                {
                    "thermostat_id": "str: Thermostat identifier",
                    "days": [
                        {
                            "date": "date: Day",
                            "avg_indoor_c": "num: Mean indoor temperature",
                            "heating_minutes": "int[0,1440]: Heating runtime",
                            "cooling_minutes": "int[0,1440]: Cooling runtime",
                        }
                    ],
                },
            ),
        ],
        "Security Cameras": [
            (
                "list_camera_events",
                "List motion and person-detection events recorded by cameras.",
                {
                    "camera_id": "str: Camera; all when omitted",
                    "since*": "datetime: Events after this time",
                    "types": "str{motion|person|vehicle|package|sound}[]: Event types",
                },
                {
                    "events": [
                        {
                            "event_id": "str: Event identifier",
                            "camera_id": "str: Camera",
                            "type": "str: Event type",
                            "occurred_at": "datetime: Time",
                            "clip_url?": "uri: Video clip",
                        }
                    ]
                },
            ),
            (
                "get_camera_snapshot",
                "Capture a still image from a camera now.",
                {
                    "camera_id*": "str: Camera identifier",
                    "resolution": "str{low|medium|high}=medium: Image resolution",
                },
                {
                    "camera_id": "str: Camera",
                    "image_url": "uri: Snapshot URL",
                    "captured_at": "datetime: Capture time",
                },
            ),
            (
                "arm_security_system",
                "Arm or disarm the home security system.",
                {
                    "mode*": "str{away|home|night|disarmed}: Arming mode",
                    "pin*": "str: Four-digit security PIN",
                },
                {
                    "mode": "str: Current mode",
                    "open_sensors": "str[]: Doors or windows left open",
                    "changed_at": "datetime: Change time",
                },
            ),
        ],
        "Door Locks": [
            (
                "lock_door",
                "Lock or unlock a smart door lock.",
                {"lock_id*": "str: Lock identifier", "action*": "str{lock|unlock}: Action"},
                {
                    "lock_id": "str: Lock identifier",
                    "state": "str{locked|unlocked|jammed}: State",
                    "battery_percent": "int[0,100]: Battery level",
                },
            ),
            (
                "create_guest_access_code",
                "Create a temporary PIN code for a guest on a smart lock.",
                {
                    "lock_id*": "str: Lock identifier",
                    "guest_name*": "str: Guest",
                    "valid_from*": "datetime: Start of access",
                    "valid_until*": "datetime: End of access",
                },
                {
                    "access_code_id": "str: Access code identifier",
                    "pin": "str: Six-digit PIN",
                    "valid_until": "datetime: Expiry",
                },
            ),
        ],
    },
    "Government": {
        "Public Records": [
            (
                "search_property_records",
                "Search county property ownership and assessment records.",
                {
                    "county*": "str: County",
                    "state*": "str: Two-letter state code",
                    "owner_name": "str: Owner name",
                    "parcel_number": "str: Assessor parcel number",
                    "address": "str: Site address",
                },
                {
                    "records": [
                        {
                            "parcel_number": "str: Parcel",
                            "owner": "str: Owner",
                            "assessed_value": "num[0,]: Assessed value",
                            "tax_year": "int: Tax year",
                            "last_sale_date?": "date: Last sale",
                        }
                    ]
                },
            ),
            (
                "request_vital_record",
                "Order a certified copy of a birth, death or marriage certificate.",
                {
                    "record_type*": "str{birth|death|marriage|divorce}: Record type",
                    "full_name*": "str: Name on the record",
                    "event_date*": "date: Date of the event",
                    "state*": "str: State of the event",
                    "copies": "int[1,10]=1: Copies",
                    "requester_email*": "email: Requester email",
                },
                {
                    "order_id": "str: Vital record order identifier",
                    "fee": "num[0,]: Total fee",
                    "estimated_processing_days": "int[1,]: Processing time",
                },
            ),
        ],
        "Permits": [
            (
                "apply_building_permit",
                "Submit a building permit application.",
                {
                    "parcel_number*": "str: Parcel",
                    "work_type*": (
                        "str{new_construction|addition|remodel|demolition|electrical|plumbing|"
                        "roofing}: Work type"
                    ),
                    "description*": "str: Scope of work",
                    "estimated_cost*": "num[0,]: Project valuation",
                    "contractor_license": "str: Contractor license number",
                },
                {
                    "permit_application_id": "str: Application identifier",
                    "status": "str{submitted|incomplete}: Status",
                    "fee": "num[0,]: Permit fee",
                    "review_days_estimate": "int[0,]: Review time",
                },
            ),
            (
                "get_permit_status",
                "Get the review status and inspections of a permit.",
                {"permit_application_id*": "str: Application identifier"},
                {
                    "permit_application_id": "str: Application identifier",
                    "status": (
                        "str{submitted|in_review|corrections_required|approved|issued|expired}: "
                        "Status"
                    ),
                    "inspections": [
                        {
                            "type": "str: Inspection",
                            "result": "str{scheduled|passed|failed}: Result",
                            "date?": "date: Date",
                        }
                    ],
                },
            ),
        ],
        "Elections": [
            (
                "find_polling_place",
                "Find the polling place and voting hours for a voter's address.",
                {
                    "address*": "str: Residential address",
                    "election_date": "date: Election; next upcoming when omitted",
                },
                {
                    "polling_place": {
                        "name": "str: Location name",
                        "address": "str: Address",
                        "hours": "str: Opening hours",
                    },
                    "early_voting_sites": [
                        {
                            "name": "str: Site",
                            "address": "str: Address",
                            "start_date": "date: First day",
                            "end_date": "date: Last day",
                        }
                    ],
                },
            ),
            (
                "check_voter_registration",
                "Check whether a person is registered to vote.",
                {
                    "first_name*": "str: First name",
                    "last_name*": "str: Last name",
                    "date_of_birth*": "date: Birth date",
                    "zip_code*": "str: ZIP code",
                },
                {
                    "registered": "bool: Registration found",
                    "status?": "str{active|inactive|pending}: Registration status",
                    "party?": "str: Party affiliation",
                    "precinct?": "str: Precinct",
                },
            ),
        ],
        "Open Data": [
            (
                "search_open_datasets",
                "Search a government open-data portal for datasets.",
                {
                    "query*": "str: Keywords",
                    "publisher": "str: Agency",
                    "format": "str{csv|json|geojson|xlsx|api}: Resource format",
                    "rows": "int[1,100]=10: Results",
                },
                {
                    "datasets": [
                        {
                            "dataset_id": "str: Dataset identifier",
                            "title": "str: Title",
                            "publisher": "str: Agency",
                            "updated_on": "date: Last update",
                            "formats": "str[]: Formats",
                        }
                    ],
                    "count": "int[0,]: Matches",
                },
            ),
            (
                "query_dataset_rows",
                "Query rows of an open dataset with filters.",
                {
                    "dataset_id*": "str: Dataset identifier",
                    "filters": {
                        "_": "Column equality filters",
                        "+": "str: Required value of the column",
                    },
                    "limit": "int[1,5000]=100: Rows",
                    "offset": "int[0,]=0: Rows to skip",
                },
                {
                    "dataset_id": "str: Dataset identifier",
                    "columns": "str[]: Column names",
                    "rows": [{"_": "One record", "+": "str: Column value as text"}],
                    "total_rows": "int[0,]: Matching rows",
                },
            ),
        ],
    },
    "Science": {
        "Chemistry": [
            (
                "get_compound_properties",
                "Look up physical and chemical properties of a compound by name, "
                "formula or SMILES.",
                {
                    "identifier*": "str: Compound name, formula or SMILES",
                    "identifier_type": "str{name|formula|smiles|cas}=name: Identifier kind",
                },
                {
                    "cid": "str: Compound identifier",
                    "iupac_name": "str: IUPAC name",
                    "molecular_formula": "str: Formula",
                    "molecular_weight": "num[0,]: g/mol",
                    "melting_point_c?": "num: Melting point",
                    "boiling_point_c?": "num: Boiling point",
                    "hazards": "str[]: GHS hazard statements",
                },
            ),
            (
                "balance_chemical_equation",
                "Balance a chemical reaction equation.",
                {"equation*": "str: Unbalanced equation, e.g. 'H2 + O2 -> H2O'"},
                {
                    "balanced": "str: Balanced equation",
                    "coefficients": "int[1,][]: Stoichiometric coefficients in order",
                    "reaction_type?": (
                        "str{synthesis|decomposition|combustion|single_replacement|"
                        "double_replacement}: Reaction type"
                    ),
                },
            ),
        ],
        "Astronomy": [
            (
                "get_planet_positions",
                "Get right ascension, declination and visibility of planets for an observer.",
                {
                    "latitude*": "num[-90,90]: Observer latitude",
                    "longitude*": "num[-180,180]: Observer longitude",
                    "time*": "datetime: Observation time",
                },
                {
                    "planets": [
                        {
                            "name": "str{mercury|venus|mars|jupiter|saturn|uranus|neptune}: Planet",
                            "ra_hours": "num[0,24]: Right ascension",
                            "dec_degrees": "num[-90,90]: Declination",
                            "altitude_degrees": "num[-90,90]: Altitude",
                            "visible": "bool: Above the horizon",
                            "magnitude": "num: Apparent magnitude",
                        }
                    ]
                },
            ),
            (
                "list_upcoming_launches",
                "List upcoming rocket launches.",
                {"limit": "int[1,50]=10: Launches", "provider": "str: Launch provider"},
                {
                    "launches": [
                        {
                            "launch_id": "str: Launch identifier",
                            "mission": "str: Mission name",
                            "provider": "str: Provider",
                            "vehicle": "str: Rocket",
                            "net": "datetime: No-earlier-than time",
                            "pad": "str: Launch pad",
                        }
                    ]
                },
            ),
        ],
        "Genomics": [
            (
                "get_gene_info",
                "Get information about a gene: location, function and transcripts.",
                {
                    "gene_symbol*": "str: HGNC symbol, e.g. BRCA1",
                    "species": "str{human|mouse|zebrafish|fruit_fly}=human: Species",
                },
                {
                    "gene_id": "str: Ensembl gene identifier",
                    "symbol": "str: Symbol",
                    "chromosome": "str: Chromosome",
                    "start": "int[1,]: Start coordinate",
                    "end": "int[1,]: End coordinate",
                    "strand": "int{1|-1}: Strand",
                    "summary": "str: Function summary",
                    "transcript_count": "int[0,]: Transcripts",
                },
            ),
            (
                "annotate_variant",
                "Annotate a genomic variant with consequence, "
                "population frequency and clinical significance.",
                {
                    "chromosome*": "str: Chromosome",
                    "position*": "int[1,]: GRCh38 position",
                    "ref*": "str: Reference allele",
                    "alt*": "str: Alternate allele",
                },
                {
                    "variant_id": "str: Variant identifier (chr-pos-ref-alt)",
                    "gene?": "str: Affected gene",
                    "consequence": "str: Predicted consequence, e.g. missense_variant",
                    "allele_frequency?": "num[0,1]: Population frequency",
                    "clinical_significance": (
                        "str{benign|likely_benign|uncertain|likely_pathogenic|pathogenic}: "
                        "ClinVar class"
                    ),
                },
            ),
        ],
        "Physics Simulation": [
            (
                "simulate_projectile",
                "Simulate projectile motion with optional air drag.",
                {
                    "initial_speed_mps*": "num[0,10000]: Launch speed",
                    "angle_degrees*": "num[0,90]: Launch angle",
                    "mass_kg": "num[0.001,1000]=1: Mass",
                    "drag_coefficient": "num[0,2]=0: Drag coefficient (0 disables drag)",
                    "time_step_s": "num[0.0001,1]=0.01: Integration step",
                },
                {
                    "range_m": "num[0,]: Horizontal range",
                    "max_height_m": "num[0,]: Apex height",
                    "flight_time_s": "num[0,]: Time of flight",
                    "trajectory": [
                        {"t": "num[0,]: Time", "x": "num: Horizontal position", "y": "num: Height"}
                    ],
                },
            ),
            (
                "run_nbody_simulation",
                "Run a gravitational N-body simulation and return final states.",
                {
                    "bodies*": [
                        {
                            "_": "Initial state of each body",
                            "mass_kg*": "num[0,]: Mass",
                            "position_m*": "num[]: Position [x, y, z]",
                            "velocity_mps*": "num[]: Velocity [vx, vy, vz]",
                        }
                    ],
                    "duration_s*": "num[0,]: Simulated time",
                    "integrator": "str{euler|leapfrog|rk4}=leapfrog: Integrator",
                },
                {
                    "simulation_id": "str: Simulation identifier",
                    "final_states": [
                        {"position_m": "num[]: Position", "velocity_mps": "num[]: Velocity"}
                    ],
                    "energy_drift": "num: Relative total-energy change",
                },
            ),
        ],
    },
    "Security": {
        "Vulnerability Scanning": [
            (
                "start_vulnerability_scan",
                "Start a network or web vulnerability scan against targets.",
                {
                    "targets*": "str[]: Hostnames, IPs or CIDR ranges",
                    "scan_type*": "str{network|web_app|container|compliance}: Scan type",
                    "intensity": "str{light|normal|aggressive}=normal: Scan intensity",
                    "schedule_at": "datetime: Run later at this time",
                },
                {
                    "scan_id": "str: Scan identifier",
                    "status": "str{queued|running}: Status",
                    "target_count": "int[1,]: Targets",
                },
            ),
            (
                "get_scan_findings",
                "Get vulnerabilities found by a scan, filtered by severity.",
                {
                    "scan_id*": "str: Scan identifier",
                    "min_severity": "str{info|low|medium|high|critical}=low: Minimum severity",
                },
                {
                    "scan_id": "str: Scan identifier",
                    "status": "str{running|completed|failed}: Status",
                    "findings": [
                        {
                            "finding_id": "str: Finding identifier",
                            "cve?": "str: CVE identifier",
                            "title": "str: Title",
                            "severity": "str: Severity",
                            "cvss": "num[0,10]: CVSS score",
                            "host": "str: Affected host",
                            "remediation": "str: Fix",
                        }
                    ],
                },
            ),
        ],
        "Identity and Access": [
            (
                "create_user_account",
                "Create a user in the identity provider and assign groups.",
                {
                    "email*": "email: Login email",
                    "first_name*": "str: First name",
                    "last_name*": "str: Last name",
                    "groups": "str[]: Groups to join",
                    "require_mfa": "bool=true: Enforce multi-factor authentication",
                },
                {
                    "user_id": "str: User identifier",
                    "status": "str{staged|active}: Status",
                    "activation_url": "uri: One-time activation link",
                },
            ),
            (
                "grant_role",
                "Grant a role on a resource to a user or group.",
                {
                    "principal*": "str: User or group identifier",
                    "role*": "str{viewer|editor|admin|owner}: Role",
                    "resource*": "str: Resource path",
                    "expires_at": "datetime: Time-bound grant expiry",
                },
                {"binding_id": "str: Role binding identifier", "effective": "bool: Active now"},
            ),
            (
                "revoke_user_sessions",
                "Sign a user out of all sessions and revoke their tokens.",
                {"user_id*": "str: User identifier", "reason": "str: Audit reason"},
                {
                    "user_id": "str: User identifier",
                    "sessions_revoked": "int[0,]: Sessions ended",
                    "tokens_revoked": "int[0,]: Tokens revoked",
                },
            ),
        ],
        "Threat Intelligence": [
            (
                "lookup_ip_reputation",
                "Look up the threat reputation of an IP address.",
                {"ip*": "str: IPv4 or IPv6 address"},
                {
                    "ip": "str: Address",
                    "malicious": "bool: Known malicious",
                    "risk_score": "int[0,100]: Risk score",
                    "categories": "str[]: Categories such as botnet or tor_exit",
                    "country": "str: Country code",
                    "asn": "str: Autonomous system",
                    "last_seen?": "datetime: Last malicious activity",
                },
            ),
            (
                "scan_file_hash",
                "Check a file hash against malware databases.",
                {"hash*": "str: MD5, SHA-1 or SHA-256"},
                {
                    "hash": "str: Hash",
                    "detections": "int[0,]: Engines flagging it",
                    "total_engines": "int[0,]: Engines consulted",
                    "malware_family?": "str: Family",
                    "first_seen?": "date: First submission",
                },
            ),
        ],
        "Password Management": [
            (
                "generate_password",
                "Generate a strong random password.",
                {
                    "length": "int[8,128]=20: Length",
                    "include_symbols": "bool=true: Include symbols",
                    "exclude_ambiguous": "bool=false: Avoid characters like O and 0",
                },
                {
                    "password": "str: Generated password",
                    "entropy_bits": "num[0,]: Estimated entropy",
                },
            ),
            (
                "check_password_breach",
                "Check whether a password appears in known data breaches (k-anonymity).",
                {"sha1_prefix*": "str: First 5 hex characters of the password's SHA-1"},
                {
                    "matches": [
                        {
                            "suffix": "str: Remaining 35 hex characters",
                            "count": "int[1,]: Times seen in breaches",
                        }
                    ]
                },
            ),
            (
                "save_vault_item",
                "Save a login to a password vault.",
                {
                    "vault_id*": "str: Vault identifier",
                    "title*": "str: Item title",
                    "username*": "str: Login username",
                    "password*": "str: Password",
                    "url": "uri: Website",
                },
                {
                    "item_id": "str: Vault item identifier",
                    "created_at": "datetime: Creation time",
                    "password_strength": "str{weak|fair|strong}: Strength",
                },
            ),
        ],
    },
}

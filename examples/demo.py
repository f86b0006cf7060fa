print("demo: coming with the engine layer")

def test_smoke(make_fiche, users):
    f = make_fiche()
    assert f.reference.startswith("AM-")
    assert f.status == "transmitted"
    f2 = make_fiche("HYG-ANIMAL", requester=None)
    assert f2.cell.directorate.code == "vdm-hygiene"
    from fiches.selectors import visible_fiches

    assert list(visible_fiches(users["cellule-voirie"])) == [f]
    assert visible_fiches(users["cellule-eclairage"]).count() == 0
    assert visible_fiches(users["agent"]).count() == 2
    assert visible_fiches(users["direction-voirie"]).count() == 1
    assert visible_fiches(users["comite"]).count() == 0

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('mlsec: audit of src/main/resources/model.mlsec (quick budget')
['report.html', 'report.json', 'report.sarif'].each { assert new File(basedir, "target/mlsec/audit/$it").isFile() : it }
def sarif = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/mlsec/audit/report.sarif'))
sarif.runs[0].results.each {
    assert it.locations[0].physicalLocation.artifactLocation.uri == 'src/main/resources/model.mlsec'
    assert it.level in ['note', 'warning', 'error']
}
return true

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('mlsec: scanned 1 model file')
assert log.contains('0 issues')
assert log.contains('src/main/resources/model.mlsec matches its signature (1 files)')
assert log.contains('answers all 20 canaries as recorded')
['scan.json', 'scan.sarif', 'scan.html', 'canary.json'].each { assert new File(basedir, "target/mlsec/$it").isFile() : it }
def sarif = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/mlsec/scan.sarif'))
assert sarif.version == '2.1.0'
assert sarif.runs[0].results.isEmpty()
return true

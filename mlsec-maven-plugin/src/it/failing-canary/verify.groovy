def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('mlsec:canary: src/main/resources/model.mlsec answers 20 of 20 canaries of src/mlsec/canaries.json differently')
assert log.contains('canary 1: expected 1')
assert !log.contains('at org.mlsec') : 'no stack trace'
return true

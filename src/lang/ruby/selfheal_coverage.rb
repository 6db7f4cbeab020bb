# self-heal: the lines of the project this Ruby process runs (src/lang/ruby/coverage.rs).
# Loaded first through RUBYOPT=-r, so Coverage starts before any project file is
# required; the at_exit handler registered here runs last, after minitest's and
# RSpec's own. Writes coverage.py's JSON shape (SELF_HEAL_COV_OUT/ruby-PID.json): the
# process's executed lines, files under SELF_HEAL_COV_ROOT only.
require "coverage"
Coverage.start(lines: true)

module SelfHealCoverage
  SKIP = %w[vendor .bundle node_modules .git].freeze

  def self.write
    root = File.realpath(ENV.fetch("SELF_HEAL_COV_ROOT", Dir.pwd))
    out = ENV["SELF_HEAL_COV_OUT"]
    return unless out

    files = {}
    Coverage.result.each do |path, cov|
      lines = cov.is_a?(Hash) ? cov[:lines] : cov
      next unless lines

      real = File.realpath(path) rescue next
      next unless real.start_with?(root + "/")

      rel = real[(root.length + 1)..]
      next if rel.split("/").any? { |p| SKIP.include?(p) }

      ran = []
      lines.each_with_index { |count, i| ran << i + 1 if count && count > 0 }
      files[rel] = { "executed_lines" => ran, "contexts" => {} }
    end
    require "json"
    doc = { "meta" => { "format" => 3, "engine" => "ruby Coverage" }, "files" => files }
    File.write(File.join(out, "ruby-#{Process.pid}.json"), JSON.generate(doc))
  end
end

at_exit { SelfHealCoverage.write }

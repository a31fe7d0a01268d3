import { ArrowRight } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import type { ProjectSummary } from "@/lib/projects/projects";

const projectLabel = (project: Pick<ProjectSummary, "kind" | "name">) => (project.kind === "personal" ? `${project.name} (personal)` : project.name);

/**
 * The catalog's project switcher: a plain GET form, so that the choice lands in the URL
 * (`/images?project=<id>`, shareable) and works from the keyboard and without script. Choosing is
 * not acting: the page changes on *Show*, not while the arrow keys move through the list.
 */
export function ProjectSwitcher({ projects, current }: { projects: ProjectSummary[]; current: ProjectSummary }) {
  // An administrator may look at a project they are not a member of: it is the choice shown, among theirs.
  const options = projects.some((project) => project.id === current.id) ? projects : [...projects, current];
  return (
    <form action="/images" method="get" className="flex items-end gap-2" aria-label="Switch project">
      <div>
        <label htmlFor="project-switcher" className="block text-xs font-medium text-slate-600">
          Project
        </label>
        <Select id="project-switcher" name="project" defaultValue={current.id} className="mt-1 min-w-56">
          {options.map((project) => (
            <option key={project.id} value={project.id}>
              {projectLabel(project)}
            </option>
          ))}
        </Select>
      </div>
      <Button type="submit" variant="secondary">
        Show <ArrowRight className="size-4" />
      </Button>
    </form>
  );
}
